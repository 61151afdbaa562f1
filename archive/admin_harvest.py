"""The admin's harvesting pages (issue #17): sources with their last run, the frontier, runs, captures."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from archive.models import Capture, CrawlURL, HarvestRun, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "active",
        "crawl_delay",
        "daily_budget",
        "last_run_at",
        "last_run_ok",
        "queue",
        "result",
    ]
    list_filter = ["active", "last_run_ok"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["outlet"]
    readonly_fields = ["last_run_at", "last_run_ok", "last_run_result"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "outlet", "active"]}),
        ("Tìm bài viết ở đâu", {"fields": ["feeds", "sitemaps", "listings"]}),
        (
            "Trang danh mục",
            {"fields": ["article_selector", "article_pattern", "next_selector", "max_listing_pages"]},
        ),
        ("Lịch sự", {"fields": ["allowed_hosts", "resource_hosts", "crawl_delay", "daily_budget"]}),
        ("Lần chạy gần nhất", {"fields": ["last_run_at", "last_run_ok", "last_run_result"]}),
    ]
    actions = ["pause", "resume"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_done=Count("urls", filter=Q(urls__state=CrawlURL.State.DONE)),
                n_waiting=Count(
                    "urls", filter=Q(urls__state__in=[CrawlURL.State.QUEUED, CrawlURL.State.CLAIMED])
                ),
                n_failed=Count("urls", filter=Q(urls__state=CrawlURL.State.FAILED)),
            )
        )

    @admin.display(description="hàng đợi: đã tải / chờ / lỗi")
    def queue(self, obj):
        url = reverse("admin:archive_crawlurl_changelist") + f"?source__id__exact={obj.pk}"
        return format_html('<a href="{}">{} / {} / {}</a>', url, obj.n_done, obj.n_waiting, obj.n_failed)

    @admin.display(description="kết quả")
    def result(self, obj):
        return obj.last_run_result[:160]

    @admin.action(description="Tạm dừng các nguồn đã chọn")
    def pause(self, request, queryset):
        queryset.update(active=False)

    @admin.action(description="Cho chạy lại các nguồn đã chọn")
    def resume(self, request, queryset):
        queryset.update(active=True)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CrawlURL)
class CrawlURLAdmin(ReadOnlyAdmin):
    list_display = ["url", "kind", "state", "http_status", "fetched_at", "source", "article_link", "note"]
    list_filter = ["state", "kind", "source", "http_status"]
    search_fields = ["url", "note"]
    list_select_related = ["source"]
    actions = ["requeue"]

    @admin.display(description="bài viết")
    def article_link(self, obj):
        if not obj.article_id:
            return ""
        return format_html(
            '<a href="{}">#{}</a>', reverse("archive:article_detail", args=[obj.article_id]), obj.article_id
        )

    @admin.action(description="Đưa lại vào hàng đợi (lần chạy sau tải lại)")
    def requeue(self, request, queryset):
        queryset.exclude(state=CrawlURL.State.CLAIMED).update(state=CrawlURL.State.QUEUED, run=None)

    def has_change_permission(self, request, obj=None):
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request)  # actions only


@admin.register(HarvestRun)
class HarvestRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "started_at", "finished_at", "status", "machine", "pid", "summary"]
    list_filter = ["status"]


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    list_display = ["url", "kind", "status", "fetched_at", "warc_file", "offset", "length", "payload_digest"]
    list_filter = ["kind", "status"]
    search_fields = ["url"]
