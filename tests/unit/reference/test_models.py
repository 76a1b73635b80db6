"""models.yaml: every method names the helpers that use it and cites where it comes from."""

from __future__ import annotations

import importlib

import pytest

from helpers.errors import SchemaError
from helpers.reference import models


def test_every_model_names_functions_that_exist():
    for model in models.load_models():
        for dotted in model["used_in"]:
            module, _, name = dotted.rpartition(".")
            assert callable(getattr(importlib.import_module(module), name, None)), (
                f"models.yaml: {model['name']!r} is used in {dotted}, which does not exist"
            )


def test_every_published_method_is_cited_with_a_link():
    for model in models.load_models():
        for ref in model["references"]:
            assert len(ref["citation"]) > 20, model["name"]
            assert ref["url"] is None or ref["url"].startswith("https://"), model["name"]


def test_an_entry_without_used_in_is_refused(tmp_path):
    bad = tmp_path / "models.yaml"
    bad.write_text("models:\n  - name: Magic\n    references: []\n")
    with pytest.raises(SchemaError, match="Magic"):
        models.load_models(bad)
