"""StreamField blocks of the public site's pages; each renders with its own template."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


def metric_choices() -> list[tuple[str, str]]:
    """Public metrics of the shared registry (new metrics appear here without a migration)."""
    from reports import metrics

    return [(metric.key, str(metric.label)) for metric in metrics.all_metrics(public_only=True)]


def region_choices() -> list[tuple[str, str]]:
    from network.models import ProgrammeRegion

    return [(str(value), str(label)) for value, label in ProgrammeRegion.choices]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "cms/blocks/paragraph.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(required=False, max_length=200, label=_("Attribution"))

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    page = blocks.PageChooserBlock(required=False, label=_("Link to a page"))
    url = blocks.URLBlock(required=False, label=_("or to an address"))
    button_label = blocks.CharBlock(max_length=60, label=_("Button label"))

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choose a page or give an address (one of the two)."))}
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(required=False, max_length=200, label=_("Link text (the document title if empty)"))

    class Meta:
        icon = "doc-full"
        label = _("Document link")
        template = "cms/blocks/document_link.html"


class LiveFigureBlock(blocks.StructBlock):
    """A network figure computed from the live registry when the page is shown, with its definition."""

    metric = blocks.ChoiceBlock(choices=metric_choices, label=_("Figure"))
    start = blocks.DateBlock(required=False, label=_("Period start"), help_text=_("Leave both dates empty for today."))
    end = blocks.DateBlock(required=False, label=_("Period end"))
    region = blocks.ChoiceBlock(
        choices=region_choices, required=False, label=_("Region"), help_text=_("Empty: the whole network.")
    )

    class Meta:
        icon = "table"
        label = _("Live figure")
        template = "cms/blocks/live_figure.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        start, end = value.get("start"), value.get("end")
        if bool(start) != bool(end):
            raise StructBlockValidationError(
                block_errors={"end": ValidationError(_("Give both dates of the period, or neither."))}
            )
        if start and end and end < start:
            raise StructBlockValidationError(
                block_errors={"end": ValidationError(_("The period ends before it starts."))}
            )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from cms.selectors import public_figure
        from reports import metrics

        context = super().get_context(value, parent_context=parent_context)
        try:
            context["figure"] = public_figure(
                value["metric"], start=value.get("start"), end=value.get("end"), region=value.get("region") or ""
            )
        except (KeyError, ValueError):
            # A metric removed from the registry (or made private) shows nothing rather than failing.
            context["figure"] = None
        context["metrics_threshold"] = metrics.SMALL_COUNT_THRESHOLD
        # In a page body the figure is a section of its own; in a figures grid, under its heading.
        context["figure_heading"] = (parent_context or {}).get("figure_heading", "h2")
        return context


class BodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    document = DocumentLinkBlock()
    live_figure = LiveFigureBlock()


class FiguresBlock(blocks.StreamBlock):
    figure = LiveFigureBlock()


class ObjectivesBlock(blocks.StreamBlock):
    objective = blocks.CharBlock(max_length=300, label=_("Objective"), icon="tick")
