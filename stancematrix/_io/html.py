"""HTML: the matrix as a coloured grid, as a self-contained page or a fragment.

Each cell is coloured on a diverging scale from the scale's lowest value (red) through
its midpoint (light grey) to its highest (blue), by the stance of the claims behind it. A
cell whose claims disagree is split into one band per stance, in the order its claims
are listed, and gets a dashed border (disagreement is shown, never averaged into a
neutral grey); a cell whose claims report no position is hatched (a band of hatching in
a split cell), and a cell without claims is left blank. Each cell's tooltip (its
``title``) lists every claim with its stance, summary, source and date. A legend and the
numbered source list follow the grid. All text is escaped, nothing is fetched and there
is no script: the page works offline and data cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, Unpack

from stancematrix._diff.report import tables
from stancematrix._escape import html_text
from stancematrix._io.htmltable import SUMMARY_STYLE, TABLE_STYLE, table
from stancematrix._io.layout import Layout, LayoutOptions, grid

if TYPE_CHECKING:
    from stancematrix._diff.matrixdiff import MatrixDiff
    from stancematrix._matrix import StanceMatrix
    from stancematrix._model import Position, Source

__all__ = ["EXTENSIONS", "NAME", "render", "render_diff"]

NAME: Final = "html"
EXTENSIONS: Final = (".html", ".htm")

_NEGATIVE: Final = (178, 24, 43)  # ColorBrewer RdBu ends
_MIDDLE: Final = (247, 247, 247)
_POSITIVE: Final = (33, 102, 172)

_STYLE: Final = """
.stancematrix { font-family: system-ui, sans-serif; color: #222; }
.stancematrix table.sm-grid { border-collapse: collapse; margin: 0.5em 0; }
.stancematrix .sm-grid th, .stancematrix .sm-grid td {
  border: 1px solid #ccc; padding: 0.35em 0.6em; vertical-align: top; max-width: 18em; }
.stancematrix .sm-grid thead th { background: #eee; }
.stancematrix .sm-grid tbody th { background: #f6f6f6; text-align: left; }
.stancematrix td.sm-cell { text-align: center; }
.stancematrix td.sm-mixed { border: 2px dashed #555; }
.stancematrix td.sm-mixed span.sm-text { background: rgba(255, 255, 255, 0.85);
  color: #222; padding: 0 0.2em; }
.stancematrix td.sm-none, .stancematrix .sm-swatch.sm-none {
  background: repeating-linear-gradient(45deg, #ddd 0 4px, #fff 4px 8px); color: #555;
  font-style: italic; }
.stancematrix td.sm-empty { background: #fff; }
.stancematrix .sm-legend { display: flex; flex-wrap: wrap; gap: 0.8em; padding: 0;
  list-style: none; }
.stancematrix .sm-swatch { display: inline-block; width: 1.2em; height: 1.2em;
  border: 1px solid #999; vertical-align: middle; margin-right: 0.3em; }
.stancematrix .sm-swatch.sm-empty { background: #fff; }
"""


def _mix(t: float) -> tuple[int, int, int]:
    """The colour at *t* in [-1, 1] on the red–grey–blue scale."""
    end = _POSITIVE if t > 0 else _NEGATIVE
    t = min(abs(t), 1.0)
    red, green, blue = (round(m + (e - m) * t) for m, e in zip(_MIDDLE, end, strict=True))
    return red, green, blue


def _colour(value: float, low: float, middle: float, high: float) -> tuple[str, str]:
    """Background and text colour for a value on a scale."""
    half = (high - low) / 2 or 1.0
    t = (value - middle) / half
    red, green, blue = _mix(t)
    text = "#fff" if abs(t) > 0.6 else "#222"
    return f"#{red:02x}{green:02x}{blue:02x}", text


#: The hatching of "no position reported", as a band of a split cell.
_HATCH: Final = "#ddd"


def _bands(colours: Sequence[str]) -> str:
    """A left-to-right gradient of equal, hard-edged bands, one per colour."""
    n = len(colours)
    stops = ", ".join(
        f"{colour} {100 * k / n:g}% {100 * (k + 1) / n:g}%" for k, colour in enumerate(colours)
    )
    return f"linear-gradient(90deg, {stops})"


def _source_line(source: Source) -> str:
    parts = [f"<strong>{html_text(source.title)}</strong>"]
    parts.extend(html_text(extra) for extra in (source.author, source.publisher) if extra)
    if source.published is not None:
        parts.append(html_text(str(source.published)))
    if source.document:
        parts.append(f"<code>{html_text(source.document)}</code>")
    return (
        f'<li id="sm-source-{html_text(source.id)}">'
        f"<code>{html_text(source.id)}</code>: " + ", ".join(parts) + "</li>"
    )


def _tooltip(claims: Sequence[Position], matrix: StanceMatrix) -> str:
    lines = []
    for claim in claims:
        line = claim.stance
        if claim.summary:
            line += f" — {claim.summary}"
        line += f"\nsource: {matrix.source(claim.source).title} ({claim.source})"
        if claim.date is not None:
            line += f"\ndate: {claim.date}"
        lines.append(line)
    return "\n\n".join(lines)


def render(
    matrix: StanceMatrix,
    *,
    page: bool = True,
    title: str | None = None,
    **layout: Unpack[LayoutOptions],
) -> str:
    """Render *matrix* as HTML.

    Args:
        matrix: The matrix.
        page: A complete page (the default) or a ``<div class="stancematrix">`` fragment
            to embed (it carries its own ``<style>``).
        title: The heading and page title (default: the ``title`` metadata, if any).
        **layout: What the grid shows and how: the fields of
            :class:`~stancematrix._io.layout.Layout`.

    Raises:
        InvalidValueError: If a layout option is invalid (see
            :class:`~stancematrix._io.layout.Layout`).
    """
    laid_out = grid(matrix, Layout.of(layout))
    scale = matrix.scale
    values = [level.value for level in scale.levels]
    low, high, middle = scale.minimum, scale.maximum, scale.midpoint
    if title is None:
        title = matrix.metadata.get("title")
    out: list[str] = ['<div class="stancematrix">', f"<style>{_STYLE}</style>"]
    if title:
        out.append(f"<h1>{html_text(title)}</h1>")
    out.append('<table class="sm-grid">')
    out.append(
        "<thead><tr>"
        + f'<th scope="col">{html_text(laid_out.corner)}</th>'
        + "".join(f'<th scope="col">{html_text(label)}</th>' for label in laid_out.column_labels)
        + "</tr></thead>"
    )
    out.append("<tbody>")
    actor_keys = [matrix.actors[a].key for a in laid_out.actor_order]
    issue_keys = [matrix.issues[i].key for i in laid_out.issue_order]
    for r, (label, spans) in enumerate(zip(laid_out.row_labels, laid_out.spans, strict=True)):
        cells = [f'<th scope="row">{html_text(label)}</th>']
        for c, span in enumerate(spans):
            actor, issue = (
                (actor_keys[r], issue_keys[c])
                if laid_out.transpose
                else (
                    actor_keys[c],
                    issue_keys[r],
                )
            )
            data = f' data-actor="{html_text(actor)}" data-issue="{html_text(issue)}"'
            claims = laid_out.claims(span)
            if not claims:
                cells.append(f'<td class="sm-cell sm-empty"{data}></td>')
                continue
            codes = list(dict.fromkeys(scale.code(claim.stance) for claim in claims))
            classes = ["sm-cell"]
            style = ""
            shown = html_text(laid_out.text(span)).replace("\n", "<br>")
            if len(codes) > 1:  # disagreement: one band per stance, never an average
                classes.append("sm-mixed")
                colours = [
                    _colour(values[code], low, middle, high)[0] if code < len(values) else _HATCH
                    for code in codes
                ]
                style = f' style="background:{_bands(colours)}"'
                shown = f'<span class="sm-text">{shown}</span>'
            elif codes[0] >= len(values):
                classes.append("sm-none")
            else:
                background, foreground = _colour(values[codes[0]], low, middle, high)
                style = f' style="background:{background};color:{foreground}"'
            stances = " / ".join(dict.fromkeys(claim.stance for claim in claims))
            cells.append(
                f'<td class="{" ".join(classes)}"{data} data-stance="{html_text(stances)}"'
                f'{style} title="{html_text(_tooltip(claims, matrix))}">{shown}</td>'
            )
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    legend = ['<ul class="sm-legend">']
    for level in scale.levels:
        background, _ = _colour(level.value, low, middle, high)
        symbol = f" ({html_text(level.symbol)})" if level.symbol else ""
        legend.append(
            f'<li><span class="sm-swatch" style="background:{background}"></span>'
            f"{html_text(level.label)}{symbol}</li>"
        )
    split = _bands([_colour(low, low, middle, high)[0], _colour(high, low, middle, high)[0]])
    legend.append(
        f'<li><span class="sm-swatch sm-none"></span>{html_text(scale.unknown)}</li>'
        '<li><span class="sm-swatch sm-empty"></span>no claim</li>'
        f'<li><span class="sm-swatch" style="border:2px dashed #555;background:{split}">'
        "</span>claims disagree (one band per stance, in claim order)</li></ul>"
    )
    out.extend(legend)
    used = dict.fromkeys(
        s for row in laid_out.spans for span in row for s in laid_out.sources(span)
    )
    if used:
        out.append('<h2>Sources</h2><ol class="sm-sources">')
        out.extend(_source_line(matrix.sources[s]) for s in sorted(used))
        out.append("</ol>")
    out.append("</div>")
    body = "\n".join(out)
    if not page:
        return body + "\n"
    head_title = html_text(title or "Stance matrix")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{head_title}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


# A marker per kind of change, in the matrix's ColorBrewer red/blue.
_DIFF_STYLE: Final = """\
.stancematrix tr.sm-reversed td:first-child { border-left: 4px solid #b2182b; }
.stancematrix tr.sm-hardened td:first-child { border-left: 4px solid #2166ac; }
.stancematrix tr.sm-softened td:first-child { border-left: 4px solid #92c5de; }
.stancematrix tr.sm-became-known td:first-child,
.stancematrix tr.sm-claims-added td:first-child { border-left: 4px solid #4d9221; }
.stancematrix tr.sm-became-unknown td:first-child,
.stancematrix tr.sm-claims-removed td:first-child { border-left: 4px solid #999; }
"""


def render_diff(
    diff: MatrixDiff, *, kinds: Iterable[str] | None = None, stance_only: bool = False
) -> str:
    """Render *diff* as an HTML fragment: a summary paragraph, then a table per section.

    See :meth:`MatrixDiff.to_text` for the options.
    """
    e = html_text
    out = [
        '<div class="stancematrix sm-diff">',
        f"<style>{TABLE_STYLE}{_DIFF_STYLE}{SUMMARY_STYLE}</style>",
        f'<p class="sm-summary">{e(diff.summary())}</p>',
    ]
    for found in tables(diff, kinds, stance_only):
        out.append(f"<h3>{e(found.title)}</h3>")
        kinds_shown = ["sm-" + row.kind.replace(" ", "-") for row in found.rows]
        out.append(table(found.headers, found.cells, row_classes=kinds_shown))
    out.append("</div>")
    return "\n".join(out) + "\n"
