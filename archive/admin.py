from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from archive import selectors, services
from archive.admin_forms import ArticleActionForm, ArticleAdminForm, MergeOfficialsForm
from archive.extract.normalize import fold_key, normalize_line
from archive.extract.reasons import REASONS
from archive.history import VietnameseChangeHelper
from archive.models import (
    Article,
    ArticleOfficial,
    Event,
    Official,
    OfficialAlias,
    Outlet,
    Province,
    ReaderReport,
    ReviewQueueArticle,
)
from archive.rule_labels import rule_label

# The evidence extraction stores on each article (issue 10), in the order the admin shows it.
EVIDENCE_LABELS = [
    ("date", _("ngày đăng")),
    ("province", _("tỉnh")),
    ("district", _("huyện")),
    ("outlet", _("cơ quan báo chí")),
    ("authors", _("tác giả")),
    ("meeting", _("sự kiện")),
    ("officials", _("cán bộ")),
    ("relevance", _("dân vận")),
]


class IndexQueueNotice:
    """After a save or delete, say when search will show it if the index is behind (issue #16).

    A save only queues its articles; the index worker writes them within seconds. When the queue's
    oldest change has waited INDEX_QUEUE_NOTICE_SECONDS or more, the editor is told so, with the
    wait, instead of believing search already shows the change.
    """

    def _index_notice(self, request) -> None:
        queue = selectors.index_queue_status()
        if queue.pending and queue.oldest_seconds >= settings.INDEX_QUEUE_NOTICE_SECONDS:
            wait = max(1, round(queue.oldest_seconds))
            self.message_user(
                request,
                f"Đã lưu. Chỉ mục tìm kiếm đang chậm khoảng {wait} giây ({queue.pending} bài đang chờ): "
                f"thay đổi này sẽ tìm thấy được sau khoảng {wait} giây. "
                f"(Saved. The search index is about {wait} s behind, {queue.pending} articles queued: "
                f"this change will be searchable in about {wait} s.)",
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        self._index_notice(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._index_notice(request)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        self._index_notice(request)
        return super().response_delete(request, obj_display, obj_id)


class YearFilter(admin.SimpleListFilter):
    title = "năm"
    parameter_name = "nam"

    def lookups(self, request, model_admin):
        years = (
            Article.objects.exclude(published_on=None)
            .annotate(y=ExtractYear("published_on"))
            .values_list("y", flat=True)
            .distinct()
            .order_by("-y")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_on__year=int(self.value()))
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    """The review queue by why ingest was unsure (the reasons start with these words)."""

    title = "lý do"
    parameter_name = "ly_do"
    REASONS = REASONS  # one list with ingest's flagging (archive/extract/reasons.py)

    def lookups(self, request, model_admin):
        return self.REASONS

    def queryset(self, request, queryset):
        if self.value() in dict(self.REASONS):
            # The reasons are ASCII English prefixes, so matching the stored JSON text works
            # alike on SQLite and PostgreSQL.
            return queryset.filter(review_reasons__icontains=self.value())
        return queryset


class ArticleOfficialInline(admin.TabularInline):
    model = ArticleOfficial
    extra = 0
    autocomplete_fields = ["official"]
    verbose_name = "cán bộ được nêu"
    verbose_name_plural = "cán bộ được nêu"


class ReaderReportInline(admin.TabularInline):
    """Readers' "Báo lỗi" on this article (issue #19): read here, marked resolved here."""

    model = ReaderReport
    extra = 0
    can_delete = False
    fields = ["created_at", "field", "note", "resolved"]
    readonly_fields = ["created_at", "field", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.StackedInline):
    model = Event
    extra = 0
    autocomplete_fields = ["chair"]
    fields = [("kind", "period"), ("period_start", "period_end"), ("held_on", "location"), "chair"]


@admin.register(Article)
class ArticleAdmin(IndexQueueNotice, SimpleHistoryAdmin):
    form = ArticleAdminForm
    action_form = ArticleActionForm
    list_display = [
        "title",
        "published_on",
        "province",
        "outlet",
        "dan_van_state",
        "review_state",
        "source_file",
    ]
    list_display_links = ["title"]
    list_filter = [
        "dan_van",
        "needs_review",
        YearFilter,
        ("province", admin.RelatedOnlyFieldListFilter),
        ("outlet", admin.RelatedOnlyFieldListFilter),
        "date_precision",
    ]
    search_fields = ["title", "source_file", "mentions__official__name"]
    date_hierarchy = "published_on"
    list_select_related = ["province", "outlet"]
    list_per_page = 50
    autocomplete_fields = ["province", "outlet"]
    readonly_fields = [
        "raw",
        "source_file",
        "content_hash",
        "created_at",
        "updated_at",
        "evidence_table",
        "relevance",
    ]
    fieldsets = [
        (None, {"fields": ["title", "text"]}),
        (
            "Ngày, nơi, nguồn",
            {
                "fields": [
                    ("published_on", "published_time", "date_precision"),
                    ("province", "district"),
                    "outlet",
                    "url",
                    "authors",
                ]
            },
        ),
        (
            "Dân vận",
            {
                "fields": [("dan_van", "relevance")],
                "description": "Điểm dân vận do máy tính (xem bằng chứng bên dưới); đổi ô “bài dân vận” "
                "thì lựa chọn của biên tập viên được giữ khi nhập lại hay trích xuất lại.",
            },
        ),
        ("Bằng chứng trích xuất (lần nhập gần nhất)", {"fields": ["evidence_table"]}),
        ("Xem lại", {"fields": ["needs_review", "review_reasons"]}),
        ("Bảo vệ khỏi nhập lại", {"fields": ["protected_fields"]}),
        (
            "Bản gốc",
            {
                "classes": ["collapse"],
                "fields": ["source_file", "content_hash", "created_at", "updated_at", "raw"],
            },
        ),
    ]
    inlines = [ReaderReportInline, ArticleOfficialInline, EventInline]
    actions = ["mark_reviewed", "set_province", "reextract"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_historical_record_context_helper(self, request, historical_record):
        return VietnameseChangeHelper(self.model, historical_record)

    @admin.display(description="xem lại", ordering="needs_review")
    def review_state(self, obj):
        # Words, not Django's green tick, which reads as "all good" for an article that is not.
        return "Cần xem lại" if obj.needs_review else "—"

    @admin.display(description="dân vận", ordering="-relevance")
    def dan_van_state(self, obj):
        return f"Dân vận ({obj.relevance})" if obj.dan_van else f"— ({obj.relevance})"

    @admin.display(description="bằng chứng")
    def evidence_table(self, obj):
        """What extraction read for each field (rule, words, line): read-only, beside the fields. The
        rule is stored as a code (archive.extract.rules) and shown in the admin's language."""
        rows = []
        for key, label in EVIDENCE_LABELS:
            items = obj.evidence.get(key) if obj and obj.evidence else None
            for ev in items if isinstance(items, list) else [items] if items else []:
                words = (
                    f"{ev.get('name')}: {ev.get('position') or '—'}"
                    if key == "officials"
                    else ev.get("words")
                )
                rule = ev.get("rule", "")
                rows.append(
                    (label, rule_label(rule), rule, words or "", ev.get("line") or ev.get("words", ""))
                )
        if not rows:
            return "—"
        return format_html(
            '<table class="evidence"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>',
            _("trường"),
            _("quy tắc"),
            _("giá trị đọc được"),
            _("câu/dòng nguồn"),
            # the stored code in data-rule: what a bug report or a search of the evidence can quote
            format_html_join(
                "",
                '<tr><td>{}</td><td class="rule" data-rule="{}">{}</td><td>{}</td><td>{}</td></tr>',
                ((label, code, shown, words, line) for label, shown, code, words, line in rows),
            ),
        )

    @admin.action(description="Đánh dấu đã xem lại")
    def mark_reviewed(self, request, queryset):
        count = services.articles_mark_reviewed(articles=queryset)
        self.message_user(
            request,
            ngettext("Đã đánh dấu %d bài là đã xem lại.", "Đã đánh dấu %d bài là đã xem lại.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description="Đặt tỉnh (chọn tỉnh bên cạnh) cho các bài đã chọn")
    def set_province(self, request, queryset):
        chosen = request.POST.get("province", "")
        province = (
            Province.objects.filter(era=Province.Era.BEFORE_2025, pk=int(chosen)).first()
            if chosen.isdigit()
            else None
        )
        if province is None:
            self.message_user(request, "Hãy chọn một tỉnh bên cạnh ô hành động.", messages.ERROR)
            return
        count = services.articles_set_province(articles=queryset, province=province)
        self.message_user(request, f"Đã đặt tỉnh {province.name} cho {count} bài.", messages.SUCCESS)

    @admin.action(description="Trích xuất lại từ bản gốc (giữ các trường được bảo vệ)")
    def reextract(self, request, queryset):
        result = services.articles_reextract(articles=queryset)
        self.message_user(
            request,
            f"Trích xuất lại: {result.updated} bài thay đổi, {result.unchanged} bài không đổi.",
            messages.SUCCESS,
        )
        for failure in result.failed:
            self.message_user(request, f"Không trích xuất lại được {failure}", messages.ERROR)

    def save_model(self, request, obj, form, change):
        before = Article.objects.get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if change:
            # What the editor changed is protected; what they untick in "Bảo vệ khỏi nhập lại" is not.
            changed = services.article_changed_fields(before=before, after=obj)
            if "published_on" in changed:
                services.article_date_corrected(
                    article=obj, reasons_edited="review_reasons" in changed or "needs_review" in changed
                )
                changed = services.article_changed_fields(before=before, after=obj)
            ticked = form.cleaned_data.get("protected_fields", obj.edited_fields)
            services.article_set_protected(article=obj, fields=[*ticked, *changed])

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if change and formset.has_changed():
            name = "officials" if formset.model is ArticleOfficial else "events"
            services.article_mark_edited(article=form.instance, fields=[name])


@admin.register(ReviewQueueArticle)
class ReviewQueueAdmin(ArticleAdmin):
    """The articles ingest was unsure about, with its reasons: dân vận articles first (the archive's
    subject; off-topic national news no longer floods the top), oldest first within each."""

    list_display = ["title", "reasons", "dan_van_state", "published_on", "province", "source_file"]
    list_filter = [ReasonFilter, "dan_van", YearFilter, ("province", admin.RelatedOnlyFieldListFilter)]
    ordering = ["-dan_van", "created_at", "id"]

    @admin.display(description="lý do")
    def reasons(self, obj):
        return "; ".join(obj.review_reasons_display)

    def get_queryset(self, request):
        return super().get_queryset(request).needing_review()

    def get_object(self, request, object_id, from_field=None):
        """An article that left the queue (an editor just reviewed it) still opens here, for
        "save and continue" and its history, instead of a false "does not exist" warning."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None and from_field is None:
            obj = ReviewQueueArticle.objects.filter(
                pk=ReviewQueueArticle._meta.pk.to_python(object_id)
            ).first()
        return obj

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if not obj.needs_review and "_continue" not in request.POST:
            self.message_user(request, "Bài đã rời hàng chờ xem lại.", messages.INFO)
        return response


@admin.register(Province)
class ProvinceAdmin(IndexQueueNotice, admin.ModelAdmin):
    list_display = ["name", "full_name", "code", "era", "successor"]
    list_filter = ["era"]
    search_fields = ["name", "full_name", "slug"]
    list_select_related = ["successor"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Outlet)
class OutletAdmin(IndexQueueNotice, SimpleHistoryAdmin):
    list_display = ["name", "code", "site", "province"]
    list_filter = [("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code", "site"]
    autocomplete_fields = ["province"]


class OfficialAliasInline(admin.TabularInline):
    model = OfficialAlias
    extra = 0
    fields = ["name", "key", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Official)
class OfficialAdmin(IndexQueueNotice, SimpleHistoryAdmin):
    list_display = ["name", "key", "mention_count"]
    search_fields = ["name", "key", "aliases__name"]
    readonly_fields = ["key"]
    inlines = [OfficialAliasInline]
    actions = ["merge_officials"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mention_count=Count("mentions", distinct=True))

    @admin.display(description="số bài", ordering="mention_count")
    def mention_count(self, obj):
        return obj.mention_count

    def save_model(self, request, obj, form, change):
        obj.name = normalize_line(obj.name)
        obj.key = fold_key(obj.name)
        super().save_model(request, obj, form, change)

    @admin.action(description="Gộp các cán bộ đã chọn (cùng một người)")
    def merge_officials(self, request, queryset):
        """Two steps: choose which official to keep, then merge the others into it."""
        if queryset.count() < 2:
            self.message_user(request, "Hãy chọn ít nhất hai cán bộ để gộp.", messages.WARNING)
            return None
        form = MergeOfficialsForm(request.POST if "keep" in request.POST else None, officials=queryset)
        if form.is_bound and form.is_valid():
            keep = form.cleaned_data["keep"]
            count = services.officials_merge(keep=keep, others=list(queryset.exclude(pk=keep.pk)))
            self.message_user(request, f"Đã gộp {count} cán bộ vào {keep.name}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:archive_official_change", args=[keep.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Gộp cán bộ",
            "opts": self.model._meta,
            "form": form,
            "officials": selectors.officials_for_merge(queryset.order_by("-mention_count", "name")),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/archive/official/merge_officials.html", context)


@admin.register(Event)
class EventAdmin(IndexQueueNotice, SimpleHistoryAdmin):
    list_display = ["kind", "period", "held_on", "location", "chair", "article"]
    list_filter = ["kind"]
    search_fields = ["period", "location", "article__title", "chair__name"]
    autocomplete_fields = ["chair"]
    raw_id_fields = ["article"]


@admin.register(ReaderReport)
class ReaderReportAdmin(admin.ModelAdmin):
    """Every reader's report, open ones first; each links to its article in the review queue."""

    list_display = ["created_at", "article_link", "field", "note", "resolved"]
    list_filter = ["resolved", "field"]
    list_editable = ["resolved"]
    search_fields = ["note", "article__title"]
    ordering = ["resolved", "-created_at"]
    readonly_fields = ["article", "field", "note", "created_at"]
    list_select_related = ["article"]

    @admin.display(description="bài viết")
    def article_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:archive_reviewqueuearticle_change", args=[obj.article_id]),
            obj.article.title,
        )

    def has_add_permission(self, request):
        return False


from archive import admin_harvest  # noqa: E402, F401 — harvesting pages (issue #17)
