from __future__ import annotations

import gzip
import importlib

import pytest

import stancematrix as sm
from stancematrix._io import registry as _formats
from stancematrix.exceptions import UnsupportedFormatError


@pytest.fixture(scope="module")
def ukraine() -> sm.StanceMatrix:
    return sm.load_dataset("ukraine")


class TestRegistry:
    def test_order(self):
        """Formats are listed in one fixed order."""
        assert ["text", "markdown", "csv", "json", "html", "parquet"] == [
            f.name for f in _formats.FORMATS
        ]

    @pytest.mark.parametrize("fmt", _formats.FORMATS, ids=lambda f: f.name)
    def test_same_shape(self, fmt):
        """Every format module has a name, extensions, render, and read where readable."""
        module = fmt.load()
        assert fmt.name == module.NAME
        assert fmt.extensions == module.EXTENSIONS
        assert callable(module.render)
        assert fmt.readable == hasattr(module, "read")

    @pytest.mark.parametrize(
        "fmt", [f for f in _formats.FORMATS if not f.binary], ids=lambda f: f.name
    )
    def test_render_matches_method(self, ukraine, fmt):
        """sm.render(m, name) is what the matching method returns."""
        method = getattr(ukraine, f"to_{fmt.name}")
        assert method() == sm.render(ukraine, fmt.name)

    def test_unknown_format(self, ukraine):
        """An unknown format is a ValueError listing the formats that exist."""
        with pytest.raises(UnsupportedFormatError) as info:
            sm.render(ukraine, "xlsx")
        assert isinstance(info.value, ValueError)
        assert ("text", "markdown", "csv", "json", "html") == info.value.formats
        assert "'xlsx'" in str(info.value)
        assert "markdown" in str(info.value)

    def test_case_insensitive(self, ukraine):
        """Format names are matched case-insensitively."""
        assert ukraine.to_markdown() == sm.render(ukraine, "Markdown")

    def test_unreadable_format(self):
        """Reading in a write-only format names the readable ones."""
        with pytest.raises(UnsupportedFormatError) as info:
            sm.read("x.html", format="html")
        assert ("markdown", "csv", "json", "parquet") == info.value.formats

    def test_lazy(self):
        """Importing stancematrix does not import the text or HTML renderers."""
        code = (
            "import sys, stancematrix; "
            "print('stancematrix._io.text' in sys.modules, "
            "'stancematrix._io.html' in sys.modules, 'tabulate' in sys.modules)"
        )
        import subprocess
        import sys

        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert "False False False" == out.stdout.strip()


class TestRead:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("m.csv", "csv"),
            ("m.CSV", "csv"),
            ("m.csv.gz", "csv"),
            ("m.json", "json"),
            ("m.json.gz", "json"),
            ("m.md", "markdown"),
            ("m.markdown", "markdown"),
        ],
    )
    def test_by_extension(self, name, expected):
        """The extension picks the format; .gz is looked through."""
        assert expected == _formats.by_extension(name).name

    def test_unknown_extension(self):
        """An unknown extension names the readable formats."""
        with pytest.raises(UnsupportedFormatError, match=r"'\.xlsx'.*markdown, csv, json"):
            sm.read("data.xlsx")

    @pytest.mark.parametrize("ending", [".csv", ".csv.gz", ".json", ".json.gz"])
    def test_round_trip_through_files(self, ukraine, tmp_path, ending):
        """sm.read reads back what was written, choosing the format by extension."""
        fmt = ending.split(".")[1]
        data = sm.render(ukraine, fmt).encode()
        path = tmp_path / f"m{ending}"
        path.write_bytes(gzip.compress(data) if ending.endswith(".gz") else data)
        assert ukraine == sm.read(path)
        assert ukraine == sm.read(str(path))

    def test_markdown_file(self, ukraine, tmp_path):
        """A Markdown file is read as pipe tables."""
        path = tmp_path / "table.md"
        path.write_text(ukraine.to_markdown(labels="key", cell="summary"), encoding="utf-8")
        read = sm.read(path)
        assert {a.key for a in ukraine.actors} >= {a.key for a in read.actors}

    def test_explicit_format(self, ukraine):
        """With format= the input may be text."""
        assert ukraine == sm.read(ukraine.to_json(), format="json")

    def test_text_needs_a_format(self, ukraine):
        """Text without a format has no extension to go by."""
        with pytest.raises(UnsupportedFormatError):
            sm.read(ukraine.to_csv())

    def test_modules_import(self):
        """Every format module imports on its own."""
        for fmt in _formats.FORMATS:
            importlib.import_module(fmt.module)
