from __future__ import annotations

import stancematrix as sm

ACTORS = [sm.Actor("US", "United States")]
ISSUES = [sm.Issue("sanctions", "Sanctions", "Sanctions on Russia are kept.")]
SOURCES = [
    sm.Source("a", "A", document="docs/a.txt"),
    sm.Source("b", "B"),
]
TEXT = "Trump “threatened   harsh\noil sanctions” — and more."


def matrix(*claims):
    return sm.StanceMatrix.from_positions(claims, actors=ACTORS, issues=ISSUES, sources=SOURCES)


def claim(quote, source="a", stance="support"):
    return sm.Position("US", "sanctions", stance, source, quote=quote)


class TestVerifyQuotes:
    def test_whitespace_insensitive(self):
        """Runs of whitespace match any other run, line breaks included."""
        m = matrix(claim("“threatened harsh oil sanctions” —"))
        assert () == sm.verify_quotes(m, {"a": TEXT})

    def test_typography_kept(self):
        """Straight quotes do not match curly ones, nor a hyphen a dash."""
        m = matrix(
            claim('"threatened harsh oil sanctions"'), claim("sanctions” - and", stance="oppose")
        )
        assert ["not found", "not found"] == [f.reason for f in sm.verify_quotes(m, {"a": TEXT})]

    def test_case_sensitive(self):
        """Case must match."""
        m = matrix(claim("TRUMP"))
        assert "not found" == sm.verify_quotes(m, {"a": TEXT})[0].reason

    def test_document_keys(self):
        """Texts may be keyed by source id, document path or its base name."""
        m = matrix(claim("harsh"))
        for key in ("a", "docs/a.txt", "a.txt"):
            assert () == sm.verify_quotes(m, {key: TEXT})

    def test_missing_quote_and_document(self):
        """Claims without a quote, or whose source has no text, are reported as such."""
        m = matrix(claim(None), claim("harsh", source="b"))
        failures = sm.verify_quotes(m, {"a": TEXT})
        assert [("a", "no quote"), ("b", "no document")] == [
            (f.claim.source, f.reason) for f in failures
        ]
