from __future__ import annotations

import csv
import datetime
import subprocess
import sys
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stancematrix as sm
from stancematrix._datasets import unga as _unga
from stancematrix.exceptions import InvalidValueError, ReadError
from tests.conftest import ROOT
from tests.strategies import partial_dates

EXTRACT = ROOT / "tests" / "data" / "unga"
TABLES = [EXTRACT / f"{name}.csv" for name in ("votes", "roll_calls", "roll_call_issues")]
CODELESS = {"Yemen Arab Republic", "Zanzibar", "Federal Republic of Germany"}


def rows(name: str) -> list[dict[str, str]]:
    """The rows of one extract table, read independently of the library."""
    with open(EXTRACT / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def data() -> _unga.Data:
    return _unga.read_csv(*TABLES)


@pytest.fixture(scope="module")
def blob(data) -> bytes:
    return _unga.encode(data)


@pytest.fixture(scope="module")
def matrix(blob) -> sm.StanceMatrix:
    """The extract, loaded through the same path as the packaged dataset."""
    return _unga.matrix(_unga.decode(blob))


def stance(matrix: sm.StanceMatrix, actor: str, issue: str) -> str | None:
    position = matrix.position(actor, issue)
    return None if position is None else position.stance


def topic_labels() -> dict[str, list[str]]:
    """rcid -> topic labels, in code order, from the extract's topic table."""
    by_rcid: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows("roll_call_issues"):
        by_rcid[row["rcid"]].append((row["short_name"], row["issue"]))
    return {rcid: [label for _, label in sorted(pairs)] for rcid, pairs in by_rcid.items()}


class TestExtractMatrix:
    def test_every_vote_is_one_claim(self, matrix):
        """Each vote row is exactly one claim: country, roll call, stance, day of the vote."""
        dates = {row["rcid"]: row["date"] for row in rows("roll_calls")}
        expected = sorted(
            (row["country_code"] or row["country"], row["rcid"], row["vote"], dates[row["rcid"]])
            for row in rows("votes")
        )
        actual = sorted((c.actor, c.issue, c.stance, str(c.date)) for c in matrix)
        assert expected == actual
        assert {_unga.SOURCE_ID} == {c.source for c in matrix}
        assert all(c.summary is None and c.quote is None and c.note is None for c in matrix)

    def test_claims_are_in_canonical_order(self, matrix):
        """The loaded matrix equals one built from its claims by the validating constructor."""
        rebuilt = sm.StanceMatrix.from_positions(
            list(matrix)[::-1],
            actors=matrix.actors,
            issues=matrix.issues,
            sources=matrix.sources,
            scale=matrix.scale,
            metadata=matrix.metadata,
        )
        assert rebuilt == matrix

    def test_scale(self, matrix):
        """Stances are on the yes / abstain / no vote scale."""
        assert sm.Scale.votes() == matrix.scale

    def test_countries_without_a_code(self, matrix):
        """The three states without an ISO code are keyed by their name, with no alias."""
        for name in CODELESS:
            actor = matrix.actor(name)
            assert (name, name, (), "state") == (actor.key, actor.name, actor.aliases, actor.kind)
        assert 2 == len(matrix.claims("Zanzibar"))
        assert {"874", "875"} == {c.issue for c in matrix.claims("Zanzibar")}

    def test_countries_with_a_code(self, matrix):
        """Other countries are keyed by ISO code, and found by name too."""
        expected = {
            (row["country_code"], row["country"]) for row in rows("votes") if row["country_code"]
        }
        actual = {(a.key, a.name) for a in matrix.actors if a.key not in CODELESS}
        assert expected == actual
        assert "US" == matrix.actor("united states").key
        assert ("United States",) == matrix.actor("US").aliases

    def test_actors_in_order_of_first_vote(self, matrix):
        """Actors are declared in the order they first appear in the votes table."""
        expected = list(dict.fromkeys(r["country_code"] or r["country"] for r in rows("votes")))
        assert expected == [a.key for a in matrix.actors]

    def test_roll_calls(self, matrix):
        """Each roll call is an issue keyed by rcid with its title, description and date."""
        table = rows("roll_calls")
        assert sorted(int(r["rcid"]) for r in table) == [int(i.key) for i in matrix.issues]
        for row in table:
            issue = matrix.issue(row["rcid"])
            assert (row["descr"] or None) == issue.description
            assert sm.PartialDate.parse(row["date"]) == issue.date
            if row["short"].strip():
                assert row["short"].strip() == issue.title
            if row["descr"].strip():
                assert row["descr"].strip() == issue.proposition

    def test_missing_short_description(self, matrix):
        """A roll call without a short description is titled by its rcid."""
        assert "" == next(r["short"] for r in rows("roll_calls") if r["rcid"] == "5313")
        assert "Roll call 5313" == matrix.issue("5313").title

    def test_missing_description(self, matrix):
        """A roll call without any description has none, and its title as proposition."""
        issue = matrix.issue("6027")
        assert (None, "Roll call 6027") == (issue.description, issue.proposition)

    def test_topics_are_tags(self, matrix):
        """Topic labels come first in the tags; multi-topic roll calls carry all of them."""
        labels = topic_labels()
        assert 4 == len(labels["9069"])  # the extract has roll calls with 1 to 4 topics
        assert {1, 2, 3, 4} == {len(v) for v in labels.values()}
        for issue in matrix.issues:
            topics = [t for t in issue.tags if ":" not in t]
            assert labels.get(issue.key, []) == topics
            assert topics == list(issue.tags[: len(topics)])

    def test_session_and_resolution_are_tags(self, matrix):
        """Session, resolution symbol and the vote flags are "column:value" tags."""
        for row in rows("roll_calls"):
            tags = [t for t in matrix.issue(row["rcid"]).tags if ":" in t]
            expected = [
                f"{column}:{row[column]}"
                for column in ("session", "unres", "importantvote", "amend", "para")
                if row[column]
            ]
            assert expected == tags
        assert "unres:R/68/262" in matrix.issue("5309").tags
        assert "session:68" in matrix.issue("5309").tags

    def test_citation(self, matrix):
        """The metadata cite Voeten's data and the unvotes package, with its licence."""
        assert "Voeten" in matrix.metadata["citation"]
        assert "unvotes" in matrix.metadata["citation"]
        assert "MIT" in matrix.metadata["licence"]
        assert "Erik Voeten" == matrix.source(_unga.SOURCE_ID).author

    def test_ukraine_resolution(self, matrix):
        """Resolution 68/262 on Ukraine's territorial integrity: Ukraine and the US yes,
        Russia no, as the votes table says."""
        assert "yes" == matrix.position("UA", "5309").stance
        assert "yes" == matrix.position("US", "5309").stance
        assert "no" == matrix.position("RU", "5309").stance


class TestNarrowing:
    def test_decade(self, blob):
        """since/until keep the roll calls held between those dates, inclusive."""
        m = _unga.matrix(_unga.decode(blob), since="1990", until="1999")
        assert ["3586", "5640", "6027"] == [i.key for i in m.issues]
        assert "roll calls since 1990 until 1999" == m.metadata["selection"]

    def test_countries_without_votes_left_out(self, blob):
        """Countries that cast no vote on the kept roll calls are not actors."""
        m = _unga.matrix(_unga.decode(blob), since="1990")
        assert "Zanzibar" not in {a.key for a in m.actors}
        assert all(m.claims(a.key) for a in m.actors)

    def test_empty_window(self, blob):
        """A window holding no roll call gives an empty matrix, not an error."""
        m = _unga.matrix(_unga.decode(blob), since="2030")
        assert ((), (), 0) == (m.actors, m.issues, len(m))
        assert m.sources

    def test_topic_by_code_or_label(self, blob):
        """A topic is named by its code or label, case-insensitively."""
        data = _unga.decode(blob)
        by_code = _unga.matrix(data, topics="hr")
        assert by_code == _unga.matrix(data, topics=["HUMAN RIGHTS"])
        assert ["368", "1701"] == [i.key for i in by_code.issues]

    def test_several_topics(self, blob):
        """Several topics keep roll calls carrying any of them."""
        m = _unga.matrix(_unga.decode(blob), topics=("me", "nu"))
        assert ["1701", "5640", "9069"] == [i.key for i in m.issues]

    @pytest.mark.parametrize(
        ("options", "field"),
        [
            ({"topics": "sport"}, "topics"),
            ({"topics": []}, "topics"),
            ({"since": "2000", "until": "1999"}, "until"),
            ({"since": "1999-13"}, "since"),
            ({"until": 0}, "until"),
            ({"until": True}, "until"),
            ({"until": 1999.0}, "until"),
        ],
    )
    def test_bad_options(self, blob, options, field):
        """Unknown topics, no topics, reversed or malformed dates raise, naming the option."""
        with pytest.raises(InvalidValueError) as info:
            _unga.matrix(_unga.decode(blob), **options)
        assert field == info.value.field

    def test_int_year_is_a_year(self, blob):
        """An int year narrows as its string does (issue 13, item 8)."""
        assert _unga.matrix(_unga.decode(blob), since="2010", until="2012") == _unga.matrix(
            _unga.decode(blob), since=2010, until=2012
        )

    def test_unknown_topic_lists_the_topics(self, blob):
        """The error for an unknown topic lists codes and labels."""
        with pytest.raises(InvalidValueError, match="'hr' \\(Human rights\\)"):
            _unga.matrix(_unga.decode(blob), topics="sport")

    @settings(max_examples=40)
    @given(
        since=st.none() | partial_dates(1945, 2021) | st.dates().map(sm.PartialDate.from_date),
        until=st.none() | partial_dates(1945, 2021),
        topics=st.none()
        | st.sets(st.sampled_from(["co", "di", "ec", "hr", "me", "nu"]), min_size=1),
    )
    def test_narrowing_is_a_restriction(self, blob, matrix, since, until, topics):
        """A narrowed load holds exactly the full matrix's claims on the kept roll calls,
        the kept issues in order and the actors with a claim, in order."""
        if since is not None and until is not None and until.last_day < since.first_day:
            return
        m = _unga.matrix(_unga.decode(blob), since, until, topics)
        labels = {"co", "di", "ec", "hr", "me", "nu"} if topics is None else topics
        codes = {row["issue"]: row["short_name"] for row in rows("roll_call_issues")}

        def kept(issue: sm.Issue) -> bool:
            assert issue.date is not None
            day = issue.date.first_day
            return (
                (since is None or since.first_day <= day)
                and (until is None or day <= until.last_day)
                and (topics is None or any(codes.get(t) in labels for t in issue.tags))
            )

        issues = [i for i in matrix.issues if kept(i)]
        claims = [c for c in matrix if kept(matrix.issue(c.issue))]
        assert issues == list(m.issues)
        assert claims == list(m)
        assert [a for a in matrix.actors if any(c.actor == a.key for c in claims)] == list(m.actors)


class TestBuild:
    def test_encoding_round_trips(self, data, blob):
        """Decoding the package file gives back the tables that were encoded."""
        assert data == _unga.decode(blob)

    def test_encoding_is_deterministic(self, blob):
        """The same tables give the same bytes."""
        assert blob == _unga.encode(_unga.read_csv(*TABLES))

    def test_build_script(self, tmp_path, blob):
        """tools/build_unga.py writes the package file for a folder of CSVs."""
        out = tmp_path / "unga.bin"
        result = subprocess.run(
            [sys.executable, "tools/build_unga.py", "--data", str(EXTRACT), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "1,669 votes" in result.stdout
        assert blob == out.read_bytes()

    def test_build_script_check(self, tmp_path, blob):
        """--check exits 0 when the file equals a fresh build and 1 when it does not."""
        out = tmp_path / "unga.bin"
        out.write_bytes(blob)
        command = [sys.executable, "tools/build_unga.py", "--data", str(EXTRACT), "--check"]
        ok = subprocess.run([*command, "--out", str(out)], cwd=ROOT, capture_output=True)
        out.write_bytes(blob[:-1] + b"\0")
        stale = subprocess.run([*command, "--out", str(out)], cwd=ROOT, capture_output=True)
        assert (0, 1) == (ok.returncode, stale.returncode)
        assert blob[:-1] + b"\0" == out.read_bytes()

    def test_build_script_reports_bad_data(self, tmp_path):
        """A table the reader rejects gives a one-line error and exit status 1."""
        for path in TABLES:
            (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        with open(tmp_path / "votes.csv", "a", encoding="utf-8") as file:
            file.write("5,Atlantis,AT,maybe\n")
        result = subprocess.run(
            [sys.executable, "tools/build_unga.py", "--data", str(tmp_path), "--out", "-"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert 1 == result.returncode
        assert "votes.csv:1671: vote: expected one of no, abstain, yes" in result.stderr

    def test_gzip_input(self, tmp_path, data):
        """The reader takes the tables gzip-compressed, as the full data come."""
        import gzip

        paths = []
        for path in TABLES:
            target = tmp_path / (path.name + ".gz")
            target.write_bytes(gzip.compress(path.read_bytes()))
            paths.append(target)
        assert data == _unga.read_csv(*paths)


HEADERS = {
    "votes": "rcid,country,country_code,vote\n",
    "roll_calls": "rcid,session,importantvote,date,unres,amend,para,short,descr\n",
    "roll_call_issues": "rcid,short_name,issue\n",
}
ROLL_CALLS = HEADERS["roll_calls"] + "3,1,0,1946-01-01,R/1/66,1,0,A,B\n4,1,,1946-01-02,,,,,\n"


def read(votes: str = "", roll_calls: str = ROLL_CALLS, topics: str = "") -> _unga.Data:
    return _unga.read_csv(
        HEADERS["votes"] + votes, roll_calls, HEADERS["roll_call_issues"] + topics
    )


class TestReadErrors:
    def test_minimal(self):
        """A minimal valid set of tables reads."""
        data = read("3,United States,US,yes\n4,Canada,CA,no\n", topics="3,hr,Human rights\n")
        assert (("US", "United States"), ("CA", "Canada")) == data.actors
        assert bytes([3, 0, 0, 1]) == data.votes

    @pytest.mark.parametrize(
        ("tables", "line", "field", "reason"),
        [
            ({"votes": "3,United States,US,maybe\n"}, 2, "vote", "expected one of"),
            ({"votes": "5,United States,US,yes\n"}, 2, "rcid", "unknown roll call"),
            ({"votes": "x,United States,US,yes\n"}, 2, "rcid", "expected an integer"),
            ({"votes": "3,United States,US,yes\n3,United States,US,no\n"}, 3, None, "second vote"),
            ({"votes": "3,United States,US,yes\n4,America,US,no\n"}, 3, "country", "names"),
            ({"votes": "3,United States,US,yes\n4,United States,,no\n"}, 3, "country_code", "had"),
            ({"votes": "3,,,yes\n"}, 2, "country", "empty country"),
            ({"votes": "3,United States,US\n"}, 2, None, "expected 4 fields"),
            ({"votes": "3,us,,yes\n4,United States,US,no\n"}, 3, "country", "also a key"),
            ({"votes": "3, France,FR,yes\n"}, 2, "country", "trailing whitespace"),
            ({"votes": "3,France,FR ,yes\n"}, 2, "country_code", "trailing whitespace"),
            ({"roll_calls": ROLL_CALLS + "5,1,0,1946-01-03,R/1/9 ,,,,\n"}, 4, "Issue.tags", "whi"),
            ({"topics": "9,hr,Human rights\n"}, 2, "rcid", "unknown roll call"),
            ({"topics": "3,hr,Human rights\n3,hr,Human rights\n"}, 3, "short_name", "repeated"),
            ({"topics": "3,hr,Human rights\n4,hr,Rights\n"}, 3, "issue", "labelled"),
            ({"topics": "3,,\n"}, 2, "short_name", "empty topic"),
            (
                {"roll_calls": ROLL_CALLS + "3,1,0,1946-01-03,,,,,\n"},
                4,
                "rcid",
                "repeated roll call",
            ),
            ({"roll_calls": ROLL_CALLS + "5,one,0,1946-01-03,,,,,\n"}, 4, "session", "integer"),
            ({"roll_calls": ROLL_CALLS + "5,1,0,1946-02-30,,,,,\n"}, 4, "date", "not a day"),
            ({"roll_calls": ROLL_CALLS + "5,1,0,1946-02,,,,,\n"}, 4, "date", "expected a day"),
        ],
    )
    def test_errors_name_the_place(self, tables, line, field, reason):
        """Each kind of bad row raises a ReadError naming its line, field and reason."""
        with pytest.raises(ReadError, match=reason) as info:
            read(**tables)
        assert (line, field) == (info.value.line, info.value.field)

    def test_actor_names_compared_case_insensitively(self):
        """A country whose code differs from another's name only in case is refused; a name
        that equals its own code up to case is not repeated as an alias."""
        data = read("3,Chad,CHAD,yes\n")
        assert ("CHAD", "Chad", ()) == (lambda a: (a.key, a.name, a.aliases))(
            _unga.matrix(data).actor("chad")
        )

    def test_loader_refuses_colliding_declarations(self):
        """A package file whose countries collide (which the reader refuses) fails to load
        with the model's own error rather than building a broken matrix."""
        data = read("3,United States,US,yes\n4,Canada,CA,no\n")
        bad = _unga.Data((("US", "Canada"), ("CA", "US")), data.topics, data.roll_calls, data.votes)
        with pytest.raises(sm.exceptions.DuplicateKeyError):
            _unga.matrix(_unga.decode(_unga.encode(bad)))

    def test_missing_column(self):
        """A table without a needed column names the column."""
        with pytest.raises(ReadError, match="missing column\\(s\\) 'vote'") as info:
            _unga.read_csv("rcid,country,country_code\n", ROLL_CALLS, HEADERS["roll_call_issues"])
        assert 1 == info.value.line

    def test_empty_table(self):
        """An empty file is an error, not an empty dataset."""
        with pytest.raises(ReadError, match="empty file"):
            _unga.read_csv(b"", ROLL_CALLS, HEADERS["roll_call_issues"])


class TestDecodeErrors:
    @pytest.mark.parametrize(
        ("mangle", "reason"),
        [
            (lambda b: b"PK" + b[2:], "not a stancematrix UNGA data file"),
            (lambda b: b[:4], "not a stancematrix UNGA data file"),
            (lambda b: b[:6] + b"\x09\x00" + b[8:], "format version 9"),
            (lambda b: b[:-1], "truncated"),
            (lambda b: b[:16] + b"\0" * (len(b) - 16), "corrupt data file"),
        ],
    )
    def test_bad_files(self, blob, mangle, reason):
        """A file that is not a complete package file of this version raises ReadError."""
        with pytest.raises(ReadError, match=reason):
            _unga.decode(mangle(blob))


class TestPackagedData:
    def test_listed(self):
        """dataset_names() lists the UN votes next to the article dataset."""
        assert ("ukraine", "unga") == sm.dataset_names()

    def test_package_file(self):
        """The packaged file holds the whole record: 200 countries, 6,203 roll calls and
        870,109 votes (read without building the matrix, so this stays fast)."""
        data = _unga.package_data()
        assert 200 == len(data.actors)
        assert 6203 == len(data.roll_calls["rcid"])
        assert 870_109 == len(data.votes) - data.votes.count(0)
        assert CODELESS <= {key for key, name in data.actors if key == name}
        assert 6 == len(data.topics)

    def test_one_day(self):
        """Loading one day of the real data gives resolution 68/262 with its votes."""
        m = sm.load_dataset("unga", since="2014-03-27", until=datetime.date(2014, 3, 27))
        assert "5309" in [i.key for i in m.issues]
        assert "no" == stance(m, "RU", "5309")
        assert "yes" == stance(m, "UA", "5309")
        assert {"2014-03-27"} == {str(i.date) for i in m.issues}
        assert "Voeten" in m.metadata["citation"]

    def test_cached(self):
        """The same narrowing twice gives the same object; the article dataset too."""
        assert sm.load_dataset("unga", topics=["nu"], since="2019") is sm.load_dataset(
            "unga", topics=["nu"], since="2019"
        )
        assert sm.load_dataset("ukraine") is sm.load_dataset("ukraine")

    def test_ukraine_takes_no_options(self):
        """Narrowing options are refused for the article dataset."""
        with pytest.raises(InvalidValueError, match="cannot be narrowed"):
            sm.load_dataset("ukraine", since="2025")

    def test_unknown_lists_both(self):
        """An unknown name suggests the built-in datasets."""
        with pytest.raises(sm.exceptions.UnknownDatasetError, match="unga"):
            sm.load_dataset("ungaa")


class TestDescribed:
    """What the dataset says of itself matches its data."""

    def test_title_spans_the_data(self):
        """The title's years are the first and last roll call's (2020, not 2019: issue 13)."""
        un = sm.load_dataset("unga")
        years = sorted(i.date.year for i in un.issues if i.date is not None)
        assert f"{years[0]}–{years[-1]}" in _unga.TITLE
        assert f"{years[0]}–{years[-1]}" in un.metadata["description"]
