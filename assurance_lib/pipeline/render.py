"""Rendering an executed notebook to self-contained HTML, for the analyst or the scrutineer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["INTERNAL_ONLY_TAG", "html_exporter", "render_html"]

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
INTERNAL_ONLY_TAG = "internal-only"


def html_exporter(audience: str) -> Any:
    """The nbconvert exporter of one audience's pages (see :func:`render_html`).

    A run makes one per audience and renders every notebook's page with it: an exporter compiles
    its templates the first time it renders, so a new one for each page would compile them again.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="assurance", extra_template_basedirs=[str(_TEMPLATES)])
    if audience == "shareable":
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


def render_html(executed: Path, out: Path, *, audience: str, exporter: Any = None) -> Path:
    """Render an executed notebook to self-contained HTML.

    ``audience="internal"``: the analyst's page with code. ``audience="shareable"``: the
    scrutineer's page with no input cells, no prompts, no stderr output and no cell tagged
    ``internal-only``. Both load nothing from any other host and keep images' alt text.
    ``exporter``: the audience's :func:`html_exporter`, when several pages are rendered (made here
    when not given).
    """
    import nbformat
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(executed, as_version=4)
    if audience == "shareable":
        tags = TagRemovePreprocessor(
            remove_cell_tags={INTERNAL_ONLY_TAG, "injected-parameters", "parameters"}, enabled=True
        )
        nb, _ = tags.preprocess(nb, {})
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [
                    o
                    for o in cell.get("outputs", [])
                    if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                ]
    elif audience != "internal":
        raise ValueError(f"audience must be 'internal' or 'shareable', got {audience!r}")
    exporter = exporter or html_exporter(audience)
    title = _notebook_title(nb) or executed.stem
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def _notebook_title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""
