"""Articles, provinces, outlets, officials and the meetings the articles report."""

from django.db import models, router, transaction
from django.urls import reverse

from archive.history import HistoricalRecords


class Province(models.Model):
    """A province as the gazetteer names it, in one of two eras.

    Articles name the province as it stood when they were written (63 before 1 July 2025);
    each of those knows its successor among the 34 after the merger.
    """

    class Era(models.TextChoices):
        BEFORE_2025 = "legacy", "63 tỉnh (trước 1/7/2025)"
        FROM_2025 = "2025", "34 tỉnh (từ 1/7/2025)"

    name = models.CharField("tên", max_length=100)  # short name, NFC, "Hòa Bình"
    full_name = models.CharField("tên đầy đủ", max_length=120)  # "Tỉnh Hòa Bình"
    slug = models.SlugField(max_length=100)
    code = models.CharField("mã", max_length=4)
    era = models.CharField("thời kỳ", max_length=8, choices=Era.choices)
    successor = models.ForeignKey(
        "self",
        verbose_name="tỉnh kế thừa (2025)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        limit_choices_to={"era": "2025"},
    )

    class Meta:
        verbose_name = "tỉnh/thành"
        verbose_name_plural = "tỉnh/thành"
        ordering = ["era", "name"]
        constraints = [
            models.UniqueConstraint(fields=["era", "slug"], name="province_unique_slug_per_era"),
        ]

    def __str__(self) -> str:
        return self.name if self.era == self.Era.BEFORE_2025 else f"{self.name} (2025)"

    def get_absolute_url(self) -> str:
        return reverse("archive:province_detail", args=[self.ref])

    # Most 2025 provinces keep the name (and slug) of one of their predecessors: the 2025 one is
    # told apart by a suffix, in URLs (/tinh/tay-ninh-2025/) and API parameters alike.
    REF_2025_SUFFIX = "-2025"

    @property
    def ref(self) -> str:
        return self.slug if self.era == self.Era.BEFORE_2025 else f"{self.slug}{self.REF_2025_SUFFIX}"

    @property
    def is_2025(self) -> bool:
        return self.era == self.Era.FROM_2025


class Outlet(models.Model):
    name = models.CharField("tên", max_length=200, unique=True)
    code = models.CharField("mã nguồn", max_length=20, blank=True)  # "LSO"
    site = models.CharField("trang web", max_length=200, blank=True)
    province = models.ForeignKey(
        Province, verbose_name="tỉnh", null=True, blank=True, on_delete=models.SET_NULL
    )
    history = HistoricalRecords()  # its admin offers a history page (it failed without one)

    class Meta:
        verbose_name = "cơ quan báo chí"
        verbose_name_plural = "cơ quan báo chí"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Official(models.Model):
    name = models.CharField("họ tên", max_length=120)  # as printed, normalised
    key = models.CharField("khóa so khớp", max_length=120, unique=True)  # fold_key(name)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cán bộ"
        verbose_name_plural = "cán bộ"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("archive:official_detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        return "-".join(self.key.split()) or "can-bo"


class OfficialAlias(models.Model):
    """A spelling merged into another official: a later ingest of it lands on the one kept."""

    key = models.CharField("khóa so khớp", max_length=120, unique=True)  # fold_key of the old name
    name = models.CharField("họ tên đã gộp", max_length=120)
    official = models.ForeignKey(
        Official, verbose_name="cán bộ", on_delete=models.CASCADE, related_name="aliases"
    )
    created_at = models.DateTimeField("ngày gộp", auto_now_add=True)

    class Meta:
        verbose_name = "tên đã gộp"
        verbose_name_plural = "tên đã gộp"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet):
    def needing_review(self):
        return self.filter(needs_review=True)

    def lock_for_delete(self) -> None:
        """Lock the rows before their meetings and mentions are collected (PostgreSQL; SQLite has one writer).

        Without it, an editor adding a meeting to an article while another deletes the article let the
        delete collect the meetings it could see, wait on the article, and fail at COMMIT on the new
        meeting's foreign key. With the lock taken first, the collection reads after the other save commits.
        In pk order, so two deletes of overlapping sets cannot deadlock.
        """
        list(self.order_by("pk").select_for_update(of=("self",)).values_list("pk", flat=True))

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            self.lock_for_delete()
            return super().delete()


class Article(models.Model):
    class Precision(models.TextChoices):
        DAY = "day", "ngày ghi trên bài"
        YEAR_INFERRED = "year_inferred", "năm suy ra từ nội dung"
        NONE = "", "không rõ"

    title = models.CharField("tiêu đề", max_length=500)
    text = models.TextField("nội dung")
    raw = models.TextField("bản gốc", editable=False)  # never modified after ingest
    # The article's source name: its file's path under the ingested folder, "+ #id" for an export line.
    source_file = models.CharField("tệp nguồn", max_length=500, unique=True)
    # Where that source was read, the file's real path: two files of one source name from different
    # places are two articles, and the second is reported, never stored over the first (issue #16).
    origin = models.TextField("nơi đọc tệp nguồn", blank=True, default="", editable=False)
    content_hash = models.CharField("mã băm nội dung", max_length=64, unique=True, editable=False)
    url = models.URLField("địa chỉ gốc", max_length=1000, blank=True)
    published_on = models.DateField("ngày đăng", null=True, blank=True, db_index=True)
    published_time = models.TimeField("giờ đăng", null=True, blank=True)
    date_precision = models.CharField(
        "độ chính xác ngày", max_length=16, choices=Precision.choices, blank=True
    )
    province = models.ForeignKey(
        Province,
        verbose_name="tỉnh",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        limit_choices_to={"era": "legacy"},
    )
    district = models.CharField("huyện", max_length=100, blank=True)
    outlet = models.ForeignKey(
        Outlet,
        verbose_name="cơ quan báo chí",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    authors = models.JSONField("tác giả", default=list, blank=True)
    # Dân vận news or not (archive.extract.relevance, docs/relevance.md): the score and its evidence
    # come from extraction; an editor's choice of the flag is protected like any extracted field.
    dan_van = models.BooleanField("bài dân vận", default=False, db_index=True)
    relevance = models.PositiveSmallIntegerField("điểm dân vận", default=0, editable=False)
    needs_review = models.BooleanField("cần xem lại", default=False, db_index=True)
    review_reasons = models.JSONField("lý do cần xem lại", default=list, blank=True)
    # Fields a person changed in the admin: re-ingest leaves them alone unless --overwrite.
    edited_fields = models.JSONField("trường đã sửa tay", default=list, blank=True, editable=False)
    # Where each extracted field came from (rule, words, line), refreshed by every ingest (issue 10).
    evidence = models.JSONField("bằng chứng trích xuất", default=dict, blank=True, editable=False)
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    officials = models.ManyToManyField(
        Official, through="ArticleOfficial", related_name="articles", verbose_name="cán bộ"
    )
    history = HistoricalRecords(excluded_fields=["raw", "evidence", "origin"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "bài viết"
        verbose_name_plural = "bài viết"
        ordering = ["-published_on", "-id"]
        indexes = [
            models.Index(fields=["province", "published_on"]),
            models.Index(fields=["dan_van", "published_on"], name="article_dan_van_date"),
            # The province list, the home map and "không rõ tỉnh" count dân vận articles per province
            # (issue #17): answered from this index alone (PostgreSQL, 100,000 rows, 30% dân vận:
            # per-province counts 105 → 2.5 ms, no province 100 → 1 ms).
            models.Index(fields=["dan_van", "province"], name="article_dan_van_province"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("archive:article_detail", args=[self.pk])

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            Article.objects.using(using).filter(pk=self.pk).lock_for_delete()
            return super().delete(using=using, keep_parents=keep_parents)

    @property
    def review_reasons_display(self) -> list[str]:
        """The review reasons in the page's language (Vietnamese in the admin), with their details."""
        from archive.labels import review_reason_label

        return [review_reason_label(reason) for reason in self.review_reasons]


class ArticleOfficial(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    official = models.ForeignKey(
        Official, verbose_name="cán bộ", on_delete=models.PROTECT, related_name="mentions"
    )
    position = models.CharField("chức vụ", max_length=300, blank=True)  # the words as written
    # One official, one career (issue #20): the position in one spelling ("PBTTT huyện ủy" and "Phó bí
    # thư thường trực Huyện uỷ" alike), from archive.extract.positions; careers group by its posts.
    position_canonical = models.CharField("chức vụ (dạng chuẩn)", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "cán bộ trong bài"
        verbose_name_plural = "cán bộ trong bài"
        constraints = [
            models.UniqueConstraint(fields=["article", "official"], name="one_mention_per_official"),
        ]

    def __str__(self) -> str:
        return f"{self.official} — {self.position}"


class Event(models.Model):
    class Kind(models.TextChoices):
        SO_KET = "so_ket", "Sơ kết"
        TONG_KET = "tong_ket", "Tổng kết"
        GIAO_BAN = "giao_ban", "Giao ban"
        HOI_NGHI = "hoi_nghi", "Hội nghị"
        OTHER = "other", "Khác"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    period = models.CharField("kỳ", max_length=100, blank=True)  # "quý I/2024"
    period_start = models.DateField("từ ngày", null=True, blank=True)
    period_end = models.DateField("đến ngày", null=True, blank=True)
    held_on = models.DateField("ngày tổ chức", null=True, blank=True)
    location = models.CharField("địa điểm", max_length=200, blank=True)
    chair = models.ForeignKey(
        Official,
        verbose_name="chủ trì",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_events",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}".strip()


class ReviewQueueArticle(Article):
    """The admin's review queue: articles flagged at ingest, with their reasons."""

    class Meta:
        proxy = True
        verbose_name = "bài chờ xem lại"
        verbose_name_plural = "hàng chờ xem lại"


class IndexPending(models.Model):
    """An article whose search document may be out of step with its row (docs/index-integrity.md).

    Written in the same transaction as the change (archive.signals, services.articles_ingest_batch);
    removed only by the process that re-indexed the article, after its index commit. A row that
    survives a killed run is what the next drain (`ingest`, `ensure_index`, any save) picks up.
    """

    article_id = models.BigIntegerField("bài viết")  # not a foreign key: a deleted article's id stays
    queued_at = models.DateTimeField("xếp hàng lúc", auto_now_add=True)

    class Meta:
        verbose_name = "bài chờ cập nhật chỉ mục"
        verbose_name_plural = "bài chờ cập nhật chỉ mục"
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"article {self.article_id}"


class ReaderReport(models.Model):
    """A reader's "Báo lỗi" on an article (issue #19): what is wrong and where, for the editors.

    No account and no address are kept (the rate limit counts hashed addresses in the cache); the
    report puts its article in the review queue, and an editor marks it resolved."""

    class Field(models.TextChoices):
        TITLE = "title", "tiêu đề"
        DATE = "date", "ngày đăng"
        PROVINCE = "province", "tỉnh/thành"
        OUTLET = "outlet", "nguồn, tác giả"
        OFFICIALS = "officials", "cán bộ, chức vụ"
        EVENTS = "events", "hội nghị"
        TEXT = "text", "nội dung bài"
        OTHER = "other", "khác"

    article = models.ForeignKey(
        Article, verbose_name="bài viết", on_delete=models.CASCADE, related_name="reader_reports"
    )
    field = models.CharField("phần bị sai", max_length=16, choices=Field.choices)
    note = models.TextField("ghi chú của bạn đọc", max_length=2000)
    created_at = models.DateTimeField("ngày gửi", auto_now_add=True)
    resolved = models.BooleanField("đã xử lý", default=False)

    class Meta:
        verbose_name = "báo lỗi của bạn đọc"
        verbose_name_plural = "báo lỗi của bạn đọc"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.note[:60]}"


# --- harvesting (issue #17, docs/harvesting.md) --------------------------------------------------


class Source(models.Model):
    """An outlet's pages the harvester reads: where its articles are listed and how politely to ask."""

    name = models.CharField("tên", max_length=200, unique=True)
    slug = models.SlugField("mã", max_length=100, unique=True)
    outlet = models.ForeignKey(
        Outlet, verbose_name="cơ quan báo chí", null=True, blank=True, on_delete=models.SET_NULL
    )
    feeds = models.JSONField("nguồn tin RSS/Atom", default=list, blank=True)
    sitemaps = models.JSONField(
        "sơ đồ trang (sitemap, sitemap index, news sitemap)", default=list, blank=True
    )
    listings = models.JSONField("trang danh mục", default=list, blank=True)
    article_selector = models.CharField(
        "bộ chọn CSS của liên kết bài trên trang danh mục", max_length=300, blank=True
    )
    article_pattern = models.CharField(
        "mẫu địa chỉ bài viết (biểu thức chính quy)", max_length=300, blank=True
    )
    next_selector = models.CharField("bộ chọn CSS của trang sau", max_length=300, blank=True)
    max_listing_pages = models.PositiveIntegerField("số trang danh mục tối đa mỗi lượt", default=5)
    allowed_hosts = models.JSONField("tên miền được phép", default=list, blank=True)
    # Hosts the outlet serves its images and stylesheets from (its CDN), asked only for a captured
    # page's requisites, as politely as the pages (robots.txt, the delay).
    resource_hosts = models.JSONField("tên miền chứa ảnh và kiểu trình bày (CDN)", default=list, blank=True)
    crawl_delay = models.FloatField("giãn cách giữa hai yêu cầu (giây)", default=1.0)
    daily_budget = models.PositiveIntegerField("số trang tối đa mỗi ngày", default=500)
    active = models.BooleanField("đang hoạt động", default=True)
    last_run_at = models.DateTimeField("lần chạy gần nhất", null=True, blank=True, editable=False)
    last_run_ok = models.BooleanField("lần chạy gần nhất thành công", null=True, editable=False)
    last_run_result = models.TextField("kết quả lần chạy gần nhất", blank=True, editable=False)

    class Meta:
        verbose_name = "nguồn thu thập"
        verbose_name_plural = "nguồn thu thập"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def entry_points(self) -> list[tuple[str, str]]:
        """(kind, url) of the pages each run starts from."""
        return [
            *(("feed", u) for u in self.feeds),
            *(("sitemap", u) for u in self.sitemaps),
            *(("listing", u) for u in self.listings),
        ]


class HarvestRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "đang chạy"
        DONE = "done", "xong"
        FAILED = "failed", "lỗi"
        STOPPED = "stopped", "dừng giữa chừng"

    started_at = models.DateTimeField("bắt đầu", auto_now_add=True)
    finished_at = models.DateTimeField("kết thúc", null=True, blank=True)
    heartbeat_at = models.DateTimeField("còn chạy lúc", null=True, blank=True)
    machine = models.CharField("máy", max_length=200)
    pid = models.IntegerField("tiến trình")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.RUNNING)
    counts = models.JSONField("số liệu", default=dict, blank=True)
    summary = models.TextField("tóm tắt", blank=True)

    class Meta:
        verbose_name = "lượt thu thập"
        verbose_name_plural = "lượt thu thập"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class CrawlURL(models.Model):
    """One URL of the frontier and what became of it: the harvester's memory across runs."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "bài viết"
        FEED = "feed", "RSS/Atom"
        SITEMAP = "sitemap", "sitemap"
        LISTING = "listing", "trang danh mục"
        RESOURCE = "resource", "ảnh, kiểu trình bày của trang"

    class State(models.TextChoices):
        QUEUED = "queued", "chờ tải"
        CLAIMED = "claimed", "đang tải"
        DONE = "done", "đã tải"
        GONE = "gone", "đã gỡ (404/410)"
        FAILED = "failed", "lỗi"
        BLOCKED = "blocked", "robots.txt cấm"
        SKIPPED = "skipped", "bỏ qua"

    url = models.CharField("địa chỉ", max_length=1000, unique=True)  # canonical (archive.harvest.urls)
    host = models.CharField("tên miền", max_length=255, db_index=True)
    source = models.ForeignKey(
        Source, verbose_name="nguồn", null=True, blank=True, on_delete=models.SET_NULL, related_name="urls"
    )
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.QUEUED)
    run = models.ForeignKey(
        HarvestRun, verbose_name="lượt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    depth = models.PositiveIntegerField("trang danh mục thứ", default=0)
    discovered_at = models.DateTimeField("phát hiện lúc", auto_now_add=True)
    claimed_at = models.DateTimeField("nhận lúc", null=True, blank=True)
    fetched_at = models.DateTimeField("tải lúc", null=True, blank=True)
    listed_date = models.DateTimeField("ngày ghi trong RSS/sitemap", null=True, blank=True)
    attempts = models.PositiveIntegerField("số lần tải", default=0)
    http_status = models.PositiveIntegerField("mã HTTP", null=True, blank=True)
    etag = models.CharField("ETag", max_length=300, blank=True)
    last_modified = models.CharField("Last-Modified", max_length=100, blank=True)
    digest = models.CharField("mã băm nội dung", max_length=64, blank=True)
    article = models.ForeignKey(
        "Article",
        verbose_name="bài viết",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crawl_urls",
    )
    gone_at = models.DateTimeField("trang gốc mất lúc", null=True, blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "địa chỉ thu thập"
        verbose_name_plural = "hàng đợi thu thập"
        ordering = ["pk"]
        indexes = [models.Index(fields=["state", "host"])]

    def __str__(self) -> str:
        return self.url


class Capture(models.Model):
    """A response as captured: where its WARC record lies (file, offset, length) and its digest."""

    class Kind(models.TextChoices):
        PAGE = "page", "trang"
        RESOURCE = "resource", "ảnh, kiểu trình bày của trang"  # looked up by its address

    url = models.CharField("địa chỉ", max_length=1000)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices, default=Kind.PAGE)
    crawl_url = models.ForeignKey(
        CrawlURL,
        verbose_name="địa chỉ thu thập",
        null=True,
        on_delete=models.SET_NULL,
        related_name="captures",
    )
    article = models.ForeignKey(
        "Article",
        verbose_name="bài viết",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="captures",
    )
    run = models.ForeignKey(
        HarvestRun, verbose_name="lượt", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    warc_file = models.CharField("tệp WARC", max_length=300)  # relative to settings.HARVEST["WARC_DIR"]
    offset = models.BigIntegerField("vị trí")
    length = models.BigIntegerField("độ dài")
    status = models.PositiveIntegerField("mã HTTP")
    content_type = models.CharField("kiểu nội dung", max_length=200, blank=True)
    payload_digest = models.CharField("WARC-Payload-Digest", max_length=100)
    fetched_at = models.DateTimeField("tải lúc")

    class Meta:
        verbose_name = "bản lưu gốc"
        verbose_name_plural = "bản lưu gốc"
        ordering = ["-fetched_at", "-pk"]
        indexes = [models.Index(fields=["url", "kind"], name="archive_capture_url_kind")]

    def __str__(self) -> str:
        return f"{self.url} @ {self.fetched_at:%Y-%m-%d %H:%M}"
