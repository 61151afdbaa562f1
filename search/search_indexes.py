"""What the search index holds for an article (issue #3). The backend decides how to analyse it."""

import hashlib
import json

from haystack import indexes
from haystack.fields import FacetMultiValueField

from archive.models import Article, ArticleOfficial, Event
from search import analysis

DAN_VAN, NOT_DAN_VAN = "1", "0"  # the dan_van facet's values


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Title and body: searched as Vietnamese words, exact and folded (search/engines/).
    text = indexes.CharField(document=True)
    title = indexes.CharField(model_attr="title", boost=3.0)
    published = indexes.DateField(model_attr="published_on", null=True)
    # Facets: whole values, one term each. The province as the article names it (pre-2025).
    province = indexes.FacetCharField(null=True)
    province_2025 = indexes.FacetCharField(null=True)
    year = indexes.FacetCharField(null=True)
    kind = FacetMultiValueField()
    official = FacetMultiValueField()
    outlet = indexes.FacetCharField(null=True)
    # Dân vận news or not (issue #17): "1" or "0", the article's flag (an editor's choice included).
    dan_van = indexes.FacetCharField()
    # A hash of everything above, stored: `ensure_index` compares it with the database's rows to
    # find stale documents, not just missing ones (docs/index-integrity.md).
    digest = indexes.CharField(indexed=False, stored=True, null=True)

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return (
            Article.objects.select_related("province__successor", "outlet")
            .prefetch_related("mentions__official", "events")
            .order_by("pk")
        )

    def prepare_digest(self, obj: Article) -> None:
        return None  # computed from the other fields in full_prepare

    def full_prepare(self, obj, with_string_facet=True):
        data = super().full_prepare(obj, with_string_facet=with_string_facet)
        data["digest"] = document_digest(data)
        return data

    def prepare_text(self, obj: Article) -> str:
        # Title, body and each byline name are separate paragraphs: no word bridges them. The
        # byline is not part of the body text (extraction lifts it out) but readers search by it.
        return "\n\n".join([obj.title, obj.text, *obj.authors, *self.record_names(obj)])

    def record_names(self, obj: Article) -> list[str]:
        """What the record names besides the text (issue #9: typing "Hòa Bình", an official or an
        outlet finds their articles): the province and its 2025 successor, officials, outlet."""
        names = []
        if obj.province_id:
            names.append(obj.province.name)
            if obj.province.successor_id and obj.province.successor.name != obj.province.name:
                names.append(obj.province.successor.name)
        names += [m.official.name for m in obj.mentions.all()]
        if obj.outlet_id:
            names.append(obj.outlet.name)
        return names

    def prepare_province(self, obj: Article) -> str | None:
        return obj.province.name if obj.province_id else None

    def prepare_province_2025(self, obj: Article) -> str | None:
        if obj.province_id and obj.province.successor_id:
            return obj.province.successor.name
        return None

    def prepare_published(self, obj: Article):
        # A year inferred from the text is no date to sort by (issue #20: "vào năm 2025" put 2017
        # news at the top of "Mới nhất"); the article keeps its year facet.
        return obj.published_on if obj.date_precision == Article.Precision.DAY else None

    def prepare_year(self, obj: Article) -> str | None:
        return str(obj.published_on.year) if obj.published_on else None

    def prepare_kind(self, obj: Article) -> list[str]:
        events: list[Event] = list(obj.events.all())
        return sorted({e.kind for e in events if e.kind})

    def prepare_official(self, obj: Article) -> list[str]:
        mentions: list[ArticleOfficial] = list(obj.mentions.all())
        return sorted({m.official.name for m in mentions})

    def prepare_outlet(self, obj: Article) -> str | None:
        return obj.outlet.name if obj.outlet_id else None

    def prepare_dan_van(self, obj: Article) -> str:
        return DAN_VAN if obj.dan_van else NOT_DAN_VAN


def document_digest(data: dict) -> str:
    """Hash of a prepared search document (everything but the digest itself) and the index format."""
    body = json.dumps(
        {"format": analysis.INDEX_FORMAT, **{k: v for k, v in data.items() if k != "digest"}},
        sort_keys=True,
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
