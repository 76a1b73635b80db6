"""The data inventory (notebook 00): what the store holds and which gaps matter."""
