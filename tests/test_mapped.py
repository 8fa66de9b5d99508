from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix.exceptions import ReadError

COLUMNS = {
    "actor": "who",
    "actor_name": "name",
    "issue": "q",
    "issue_title": "title",
    "stance": "how",
}

#: The issue's reproducer: A renamed on line 3, issue 1 retitled on line 4.
CONFLICTING = (
    b"who,name,q,title,how\n"
    b"A,Alpha,1,Speed limit,support\n"
    b"A,Alpha RENAMED,2,x,oppose\n"
    b"B,Beta,1,Abolish the speed limit,oppose\n"
)


class TestConflictingEntries:
    def test_renamed_actor_is_an_error_with_both_lines(self):
        """A second name for an actor is a ReadError naming both lines, column and values."""
        with pytest.raises(ReadError) as raised:
            sm.read_csv(CONFLICTING, columns=COLUMNS)
        error = raised.value
        assert (3, 2, "name", "Alpha RENAMED") == (
            error.line,
            error.column,
            error.field,
            error.value,
        )
        expected = (
            "<bytes>:3:2: name: conflicting name for actor 'A': 'Alpha' at <bytes>:2, "
            "'Alpha RENAMED' at <bytes>:3; an actor has one name"
        )
        assert expected == str(error)

    def test_retitled_issue_is_an_error_with_both_lines(self):
        """A second title for an issue is a ReadError naming both lines and both titles."""
        data = CONFLICTING.replace(b"Alpha RENAMED", b"Alpha")
        with pytest.raises(ReadError) as raised:
            sm.read_csv(data, columns=COLUMNS)
        expected = (
            "<bytes>:4:4: title: conflicting title for issue '1': 'Speed limit' at "
            "<bytes>:2, 'Abolish the speed limit' at <bytes>:4; an issue has one title"
        )
        assert expected == str(raised.value)

    def test_lenient_reports_each_conflict_and_keeps_the_first(self):
        """Lenient reading reports both conflicts, keeps every claim and the first values."""
        m, errors = sm.read_csv(CONFLICTING, columns=COLUMNS, lenient=True)
        assert [(3, "name"), (4, "title")] == [(e.line, e.field) for e in errors]
        assert "Alpha" == m.actor("A").name
        assert "Speed limit" == m.issue("1").title
        assert 3 == len(m)

    def test_empty_values_do_not_conflict(self):
        """An empty name gives no name; the first non-empty one is the actor's."""
        data = b"who,name,q,how\nA,,1,support\nA,Alpha,2,oppose\nA,,3,oppose\n"
        columns = {"actor": "who", "actor_name": "name", "issue": "q", "stance": "how"}
        assert "Alpha" == sm.read_csv(data, columns=columns).actor("A").name

    def test_a_fallback_chain_names_the_column_the_value_came_from(self):
        """With a fallback chain, the error names the column the conflicting value is in."""
        data = b"who,short,long,q,how\nA,Al,,1,support\nA,,Alpha,2,oppose\n"
        columns = {
            "actor": "who",
            "actor_name": ("short", "long"),
            "issue": "q",
            "stance": "how",
        }
        with pytest.raises(ReadError) as raised:
            sm.read_csv(data, columns=columns)
        assert (3, 3, "long") == (raised.value.line, raised.value.column, raised.value.field)

    def test_quoted_multiline_rows_report_their_own_lines(self):
        """Lines are those of the file, even when a quoted field spans lines."""
        data = b'who,name,q,how\nA,"Al\npha",1,support\nA,Beta,2,oppose\n'
        columns = {"actor": "who", "actor_name": "name", "issue": "q", "stance": "how"}
        with pytest.raises(ReadError, match="'Al\\\\npha' at <bytes>:2") as raised:
            sm.read_csv(data, columns=columns)
        assert 4 == raised.value.line

    @settings(max_examples=100)
    @given(
        st.lists(
            st.tuples(st.sampled_from("ABC"), st.sampled_from(["", "x", "y"])),
            min_size=1,
            max_size=8,
        )
    )
    def test_read_only_when_each_key_has_one_name(self, rows):
        """A table reads exactly when no key has two different non-empty names."""
        text = "who,name,q,how\n" + "".join(
            f"{key},{name},{n},support\n" for n, (key, name) in enumerate(rows)
        )
        columns = {"actor": "who", "actor_name": "name", "issue": "q", "stance": "how"}
        named: dict[str, set[str]] = {}
        for key, name in rows:
            if name:
                named.setdefault(key, set()).add(name)
        if any(len(v) > 1 for v in named.values()):
            with pytest.raises(ReadError, match="conflicting name"):
                sm.read_csv(text.encode(), columns=columns)
            return
        m = sm.read_csv(text.encode(), columns=columns)
        expected = {key: next(iter(named.get(key, {key}))) for key, _ in rows}
        assert expected == {a.key: a.name for a in m.actors}
