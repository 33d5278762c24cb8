"""The OpsDB domain: operations, their targets, and the sources' claims about them.

Every figure shown anywhere is derived from Claim rows (see summary.py);
Operation and Target hold the analyst's best reading, claims hold who says what.
"""

import datetime as dt
import math
from functools import cached_property
from urllib.parse import urlsplit

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Q, When
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import dates, names
from .dates import DatePrecision
from .normalise import normalise_url

COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


def country_name(code):
    """The name readers know a country by: Syria rather than Syrian Arab Republic."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def validate_country(value):
    if value not in COUNTRY_CODES:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 alpha-2 country code."),
            code="unknown_country",
            params={"value": value},
        )


def validate_time_zone(value):
    if value not in dates.time_zone_names():
        raise ValidationError(
            _("%(value)s is not an IANA time zone (such as Asia/Damascus)."),
            code="unknown_time_zone",
            params={"value": value},
        )


def validate_language(value):
    if value and (value != value.lower() or pycountry.languages.get(alpha_2=value) is None):
        raise ValidationError(
            _("%(value)s is not an ISO 639-1 language code (such as en or ar)."),
            code="unknown_language",
            params={"value": value},
        )


def validate_web_url(value):
    """An http(s) address with a usable port (URLValidator lets :99999 and ftp: through)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a valid address (check the host and port)."),
            params={"value": value},
        ) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Give a web address (http or https)."), code="scheme")


# Reports of operations against ISIS fall well inside; arithmetic on periods stays safe.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def time_error(occurred_at, zone_name, precision):
    """Why a time cannot be stored with that zone and precision, or None.

    Field errors (a malformed date, an unknown zone or precision) are left to
    clean_fields, which reports them on their own fields.
    """
    if not isinstance(occurred_at, dt.datetime):
        return None
    if timezone.is_naive(occurred_at):
        return _("Give the time with its UTC offset: a time without one is ambiguous.")
    if zone_name not in dates.time_zone_names() or precision not in DatePrecision.values:
        return None
    if not FIRST_YEAR <= occurred_at.year <= LAST_YEAR:
        return _("Give a year between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    local = occurred_at.astimezone(dates.zone(zone_name))
    if not dates.fits(local, precision):
        return _(
            "%(local)s local time is more precise than %(precision)s precision: "
            "give the start of the %(precision)s."
        ) % {"local": local.strftime("%Y-%m-%d %H:%M:%S"), "precision": precision}
    return None


def lean_history(*, unindexed, **options):
    """A model's history, without the indexes of `unindexed` fields.

    History is searched by record id and by the key of the record a row belongs
    to (an operation's claims, a person's aliases); an index on anything else
    would only slow every write, bulk imports above all.
    """
    return HistoricalRecords(no_db_index=list(unindexed), **options)


PUBLISHABLE_UNINDEXED = ("status", "updated_at")


def km_between(place, other):
    """Great-circle kilometres between two things with latitude and longitude, or None."""
    if None in (place, other) or None in (
        place.latitude,
        place.longitude,
        other.latitude,
        other.longitude,
    ):
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians,
        map(float, (place.latitude, place.longitude, other.latitude, other.longitude)),
    )
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(a))


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class SourceQuerySet(PublishableQuerySet):
    def at_urls(self, urls):
        """The sources at these URLs (normalised). Excluding the empty URL, which is the
        condition of the unique index on url, is what lets the databases read that index:
        without it SQLite scanned every source for each lookup (1.4 s of an import of
        100,000 GED rows, and growing with the square of the file), and PostgreSQL for
        lists of more than 100 URLs."""
        return self.filter(url__in=urls).exclude(url="")

    def without_url_titled(self, titles):
        """The sources without a URL that bear these titles (read through the index
        source_title_without_url)."""
        return self.filter(url="", title__in=titles)


def public_name(record):
    """The name of a publishable record as readers may see it: a draft's is withheld."""
    if not record.is_published:
        kind = str(record._meta.verbose_name)
        article = "an" if kind[0] in "aeiou" else "a"
        return _("%(article)s %(kind)s not yet published") % {"article": article, "kind": kind}
    return str(record)


def name_for(record, *, public):
    """A record's name as this reader sees it: with `public`, a draft's is withheld."""
    return str(public_name(record) if public else record)


def withheld(record):
    """Whether a reader of published records only may not see `record`: a draft, or an
    operation deleted or merged into another. The one rule for the pages and the API."""
    return (
        not record.is_published
        or getattr(record, "deleted_at", None) is not None
        or getattr(record, "merged_into_id", None) is not None
    )


class Publishable(models.Model):
    """A record that analysts draft and reviewers publish."""

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class SearchableName(models.Model):
    """A name with its folded search keys (see names.py), kept in step on save.

    The keys are padded with spaces so that a token matches with a plain
    `contains` of " token ": a search aid derived from the name, not a second
    copy of it.
    """

    name = models.CharField(max_length=200)
    # Folding can double a name's length (ش becomes "sh").
    search_key = models.CharField(max_length=1000, editable=False, db_index=True)
    skeleton_key = models.CharField(max_length=1000, editable=False, db_index=True)

    class Meta:
        abstract = True

    def refresh_search_keys(self):
        self.search_key = f" {names.fold(self.name)} "
        self.skeleton_key = f" {names.skeleton(self.name)} "

    def clean(self):
        super().clean()
        if self.name and not names.fold(self.name):
            raise ValidationError({"name": _("A name needs at least one letter.")})

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        super().save(*args, **kwargs)

    def __str__(self):
        return self.name


def column(queryset, field="pk"):
    """The values of one field of `queryset`, unordered: a part of a UNION of ids."""
    return queryset.values(field).order_by()


def name_matches(query):
    """A Q object: every token of `query` appears, folded, in the record's name.

    A token matches on the strict key or, failing that, on the consonant
    skeleton. The last token may be the start of a word, as someone typing
    "Qamish" expects to find Qamishli. None when the query has no letters.
    """
    strict = names.fold(query).split()
    loose = names.skeleton(query).split()
    if not strict:
        return None
    condition = Q()
    last = len(strict) - 1
    for position, (strict_token, loose_token) in enumerate(zip(strict, loose, strict=True)):
        end = " "
        if position == last:
            end = ""
            # The skeleton reads a final i or u as a long vowel (Kamish → kmysh), which
            # a word still being typed does not have yet (Qamishli → kmshli).
            for letter in "yw":
                if letter not in strict_token:
                    loose_token = loose_token.replace(letter, "")
        condition &= Q(search_key__contains=f" {strict_token}{end}") | Q(
            skeleton_key__contains=f" {loose_token}{end}"
        )
    return condition


class NamedQuerySet(PublishableQuerySet):
    """Records with a canonical name and a related table of aliases."""

    def matching(self, query):
        """Records whose name or one of whose aliases matches `query`, folded.

        A substring filter on the stored keys; ranking by closeness is left to
        `ranked()`.
        """
        on_name = name_matches(query)
        if on_name is None:
            return self.none()
        # Names and aliases apart, each a scan (or a trigram index) of its own table, then
        # the ids: a join of the two under one OR would scan them crossed.
        aliases = self.model._meta.get_field("aliases").related_model
        owner = self.model._meta.get_field("aliases").field.attname
        ids = column(self.model.objects.filter(on_name)).union(
            column(aliases.objects.filter(on_name), owner)
        )
        return self.filter(pk__in=ids)

    def ranked(self, query, *, limit=None):
        """`matching(query)` as a list, closest first (full names before shared nisbas).

        With `limit`, the best `limit` among 200 candidates, so that a word as
        common as "abu" does not score thousands of records: names holding the
        query's words as they are spelt come first, shorter names before longer.
        """
        candidates = self.matching(query).prefetch_related("aliases")
        if limit is not None:
            spelt = f" {names.fold(query)} "
            candidates = candidates.annotate(
                spelt_apart=Case(When(search_key__contains=spelt, then=0), default=1)
            ).order_by("spelt_apart", Length("name"), "name", "pk")[:200]

        def score(record):
            spellings = [record.name, *(alias.name for alias in record.aliases.all())]
            return max(names.similarity(query, spelling) for spelling in spellings)

        scored = [(score(record), record) for record in candidates]
        scored.sort(key=lambda item: (-item[0], item[1].name))
        return [record for _, record in scored][:limit]


# --- places -----------------------------------------------------------------


class Place(Publishable, SearchableName):
    class Kind(models.TextChoices):
        SITE = "site", _("site (building, road, camp)")
        SETTLEMENT = "settlement", _("town or village")
        DISTRICT = "district", _("district")
        PROVINCE = "province", _("province or governorate")
        REGION = "region", _("region (such as northern Syria)")
        COUNTRY = "country", _("country")

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SETTLEMENT)
    country = models.CharField(
        max_length=2,
        validators=[validate_country],
        help_text=_("ISO 3166 alpha-2 code, such as SY or IQ."),
    )
    province = models.CharField(max_length=100, blank=True)
    district = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    history = HistoricalRecords()

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"])]
        permissions = [("publish_place", "Can publish and unpublish places")]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__in=COUNTRY_CODES), name="place_country_is_iso"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="place_coordinates_both_or_neither",
            ),
        ]

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def get_absolute_url(self):
        return reverse("place", args=[self.pk])

    @property
    def country_name(self):
        return country_name(self.country)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None


class PlaceName(SearchableName):
    """An alternate name or spelling of a place (Al-Qamishli, القامشلي)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    language = models.CharField(max_length=2, blank=True, validators=[validate_language])
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="place_name_unique")]


# --- organisations ----------------------------------------------------------


class Organisation(Publishable, SearchableName):
    class Kind(models.TextChoices):
        STATE_FORCE = "state_force", _("state force")
        COALITION = "coalition", _("coalition")
        ARMED_GROUP = "armed_group", _("armed group")
        GOVERNMENT_BODY = "government_body", _("government body")
        MEDIA = "media", _("media")
        OTHER = "other", _("other")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    country = models.CharField(
        max_length=2, blank=True, validators=[validate_country], help_text=_("ISO 3166 alpha-2.")
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country__in=COUNTRY_CODES),
                name="organisation_country_is_iso",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organisation_not_own_parent"
            ),
        ]
        permissions = [("publish_organisation", "Can publish and unpublish organisations")]

    def get_absolute_url(self):
        return reverse("organisation", args=[self.pk])

    def clean(self):
        super().clean()
        seen = set()
        ancestor = self.parent
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("An organisation cannot be its own ancestor.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class OrganisationAlias(SearchableName):
    """Another name of an organisation: ISIL, Daesh, IS for ISIS."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "organisation aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="organisation_alias_unique"
            )
        ]


# --- sources ----------------------------------------------------------------


class Source(Publishable):
    class Kind(models.TextChoices):
        NEWS_ARTICLE = "news_article", _("news article")
        PRESS_RELEASE = "press_release", _("press release")
        OFFICIAL_STATEMENT = "official_statement", _("official statement")
        SOCIAL_MEDIA = "social_media", _("social media post")
        BROADCAST = "broadcast", _("broadcast")
        REPORT = "report", _("report")

    class Reliability(models.TextChoices):
        """The Admiralty (NATO) scale for the reliability of a source."""

        A = "A", _("A – completely reliable")
        B = "B", _("B – usually reliable")
        C = "C", _("C – fairly reliable")
        D = "D", _("D – not usually reliable")
        E = "E", _("E – unreliable")
        F = "F", _("F – reliability cannot be judged")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Stored normalised: no tracking parameters, no fragment, no www."),
    )
    publisher = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_sources",
    )
    author = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(
        max_length=2, blank=True, validators=[validate_language], help_text=_("ISO 639-1.")
    )
    reliability = models.CharField(
        max_length=1, choices=Reliability.choices, default=Reliability.F
    )
    archive_url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[validate_web_url],
        help_text=_("An archived copy, since pages vanish."),
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text=_("When the analyst read the document.")
    )
    history = lean_history(unindexed=[*PUBLISHABLE_UNINDEXED, "publisher"])

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        permissions = [("publish_source", "Can publish and unpublish sources")]
        indexes = [
            # A source without a URL is the same by its title and date: an import looks
            # a batch's up at once, which scanned every source without this.
            models.Index(fields=["title"], condition=Q(url=""), name="source_title_without_url")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_url_unique",
                violation_error_message=_(
                    "A source with this URL already exists (URLs are compared without "
                    "tracking parameters, fragment, www. or trailing slash)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(reliability__in=list("ABCDEF")), name="source_reliability_a_to_f"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("source", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Normalise first, so that the uniqueness check sees the stored form.
        self.url = normalise_url(self.url)
        super().clean_fields(exclude)

    def save(self, *args, **kwargs):
        self.url = normalise_url(self.url)
        super().save(*args, **kwargs)


# --- persons ----------------------------------------------------------------


class Person(Publishable, SearchableName):
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = NamedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "persons"
        permissions = [("publish_person", "Can publish and unpublish persons")]

    def get_absolute_url(self):
        return reverse("person", args=[self.pk])

    @cached_property
    def last_known_outcome(self):
        """The target row that last reported this person's fate (see summary.py)."""
        from .summary import last_known_outcome

        return last_known_outcome(self)


class PersonAlias(SearchableName):
    class Kind(models.TextChoices):
        KUNYA = "kunya", _("kunya (Abu …)")
        NOM_DE_GUERRE = "nom_de_guerre", _("nom de guerre")
        FULL_NAME = "full_name", _("full name")
        SPELLING = "spelling", _("spelling or transliteration variant")
        NATIVE_SCRIPT = "native_script", _("in the original script")
        NICKNAME = "nickname", _("nickname")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SPELLING)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="person_alias_unique")
        ]


class Role(models.Model):
    """A person's position in an organisation over a period: who led ISIS when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="roles")
    title = models.CharField(max_length=200)
    started_on = models.DateField(null=True, blank=True)
    started_precision = models.CharField(
        max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_precision = models.CharField(
        max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "started_on"]
        indexes = [models.Index(fields=["organisation", "started_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="role_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(started_precision__in=["day", "month", "year"])
                & Q(ended_precision__in=["day", "month", "year"]),
                name="role_precision_is_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.title}, {self.organisation}"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("started", "ended"):
            value = getattr(self, f"{field}_on")
            precision = getattr(self, f"{field}_precision")
            if not isinstance(value, dt.date):
                continue  # empty, or already refused by clean_fields
            if precision not in ("day", "month", "year"):
                errors[f"{field}_precision"] = _("A role's dates are days, months or years.")
            elif dates.partial_date(value, precision) != value:
                errors[f"{field}_on"] = _(
                    "%(value)s is more precise than its precision (%(precision)s): "
                    "use the first day of the month or year."
                ) % {"value": value.isoformat(), "precision": precision}
        if (
            isinstance(self.started_on, dt.date)
            and isinstance(self.ended_on, dt.date)
            and self.ended_on < self.started_on
        ):
            errors["ended_on"] = _("A role cannot end before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def period(self):
        """ "Apr 2013 – 26 Oct 2019", "? – 6 Oct 2022", "3 Aug 2023 – present"."""
        start = dates.format_partial_date(self.started_on, self.started_precision) or "?"
        end = dates.format_partial_date(self.ended_on, self.ended_precision) or "present"
        return f"{start} – {end}"

    def held_on(self, day):
        """Whether the role was held on `day` (an open end means still held)."""
        started = self.started_on is None or self.started_on <= day
        ended = (
            self.ended_on is not None
            and dates.period_end_date(self.ended_on, self.ended_precision) <= day
        )
        return started and not ended


class PossibleIdentity(models.Model):
    """Two person records that a source suggests may be one person.

    Never a merge: both records stay, linked, with the source and the reason.
    The pair is stored in id order so that it exists once.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="possible_identities_as_first"
    )
    other = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="possible_identities_as_second"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, null=True, blank=True, related_name="identities"
    )
    note = models.TextField(blank=True, help_text=_("Why they may be the same person."))
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "possible identities"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__lt=models.F("other")), name="identity_pair_in_order"
            ),
            models.UniqueConstraint(fields=["person", "other"], name="identity_pair_unique"),
        ]

    def __str__(self):
        return f"{self.person} may be {self.other}"

    def clean(self):
        super().clean()
        if self.person_id and self.person_id == self.other_id:
            raise ValidationError(_("A person cannot be linked to themself."))
        self.order_pair()

    def order_pair(self):
        if self.person_id and self.other_id and self.person_id > self.other_id:
            self.person_id, self.other_id = self.other_id, self.person_id

    def save(self, *args, **kwargs):
        self.order_pair()
        super().save(*args, **kwargs)


# --- operations -------------------------------------------------------------


class OperationQuerySet(PublishableQuerySet):
    def published(self):
        """What anonymous readers see: published, not deleted, not merged into another."""
        return super().published().alive()

    def alive(self):
        """Neither deleted nor merged into another operation: what lists and the API show."""
        return self.filter(deleted_at__isnull=True, merged_into__isnull=True)

    def search(self, query, *, public=False):
        """Operations whose title or summary contains `query`, or whose targets, forces
        or place carry a name or alias that matches it folded ("Qurashi" finds
        al-Qurayshi's operations). With `public`, names of drafts do not count."""
        query = query.strip()
        if not query:
            return self

        def named(model):
            records = model.objects.published() if public else model.objects.all()
            return records.matching(query).values("pk")

        persons, organisations, places = named(Person), named(Organisation), named(Place)
        # One set of ids from pieces that each use an index (names, targets, forces), rather
        # than one OR over operations joined to their targets and forces, which scans them all.
        matching = column(
            Operation.objects.filter(Q(title__icontains=query) | Q(summary__icontains=query))
        ).union(
            column(Operation.objects.filter(place__in=places)),
            column(Target.objects.filter(person__in=persons), "operation"),
            column(Target.objects.filter(organisation__in=organisations), "operation"),
            column(OperationForce.objects.filter(organisation__in=organisations), "operation"),
        )
        return self.filter(pk__in=matching)

    def with_links(self, readable):
        """Each operation's links to others, both ways, to operations in `readable` only.
        Each link's other end is looked up in `readable` (EXISTS): `IN (readable)` had
        SQLite list every readable operation first, 90 ms at 100,000 for no link at all."""

        def readable_end(end):
            return Exists(readable.filter(pk=OuterRef(end)))

        return self.prefetch_related(
            models.Prefetch(
                "links_from",
                queryset=OperationLink.objects.filter(readable_end("to_operation")).select_related(
                    "to_operation"
                ),
            ),
            models.Prefetch(
                "links_to",
                queryset=OperationLink.objects.filter(
                    readable_end("from_operation")
                ).select_related("from_operation"),
            ),
        )

    def targeting(self, organisation, *, public=False):
        """Operations whose targets belonged to `organisation` (an id, or an OuterRef):
        the organisation itself, or persons who held a role in it. With `public`, a
        draft person's roles do not count (they would tell who the person is)."""
        members = Q(targets__person__roles__organisation=organisation)
        if public:
            members &= Q(targets__person__status=Status.PUBLISHED)
        return self.filter(Q(targets__organisation=organisation) | members)

    def between(self, start, end):
        """Operations whose stored UTC time falls between two datetimes."""
        return self.filter(occurred_at__gte=start, occurred_at__lt=end)

    def contested(self, *, public=False):
        """Operations on which current claims disagree: the SQL twin of
        `OperationSummary.contested`, for filters. Tests hold the two equal."""
        return self.filter(contested_condition(public=public))

    def civilian_harm(self, *, public=False):
        """Operations on which some current claim reports civilians killed or wounded."""
        return self.filter(civilian_harm_condition(public=public))

    def with_summary(self, *, public=False, claim_details=True):
        """Everything `Operation.claims_summary` and a list page need, in a fixed
        number of queries. With `public`, claims from draft sources are left out,
        so that readers' figures rest on published sources only. Without
        `claim_details`, claims come without their sources, targets and places:
        enough for figures and verdicts, and much lighter for long lists."""
        claims = Claim.objects.prefetch_related("claimed_forces")
        if claim_details:
            claims = claims.select_related(
                "source__publisher", "target__person", "target__organisation", "place"
            )
        if public:
            claims = claims.filter(source__status=Status.PUBLISHED)
        return self.select_related("place").prefetch_related(
            models.Prefetch(
                "forces", queryset=OperationForce.objects.select_related("organisation")
            ),
            models.Prefetch(
                "targets",
                queryset=Target.objects.select_related("person", "organisation"),
            ),
            models.Prefetch("claims", queryset=claims),
        )


def current_claims(*, public=False):
    """Claims that no later claim supersedes; with `public`, from published sources only."""
    claims = Claim.objects.all()
    if public:
        claims = claims.filter(source__status=Status.PUBLISHED)
    return claims.filter(~Exists(claims.filter(supersedes=OuterRef("pk"))))


def civilian_harm_condition(*, public=False):
    """Some current claim reports civilians killed or wounded: the SQL twin of
    `OperationSummary.civilian_harm`."""
    return Exists(
        current_claims(public=public).filter(
            Q(count_low__gt=0) | Q(count_high__gt=0),
            operation=OuterRef("pk"),
            point=Claim.Point.CASUALTIES,
            category__in=(Claim.Category.CIVILIANS_KILLED, Claim.Category.CIVILIANS_WOUNDED),
        )
    )


def contested_condition(*, public=False):
    """An Exists expression per rule of summary.py, over an operation's current claims."""
    current = current_claims(public=public)
    mine = current.filter(operation=OuterRef("pk"))
    per_operation = mine.values("operation")
    counts = (
        mine.filter(point=Claim.Point.CASUALTIES)
        .values("category")
        .annotate(highest_low=Max("count_low"), lowest_high=Min("count_high"))
        .filter(highest_low__gt=F("lowest_high"))
    )
    outcomes = (
        mine.filter(point=Claim.Point.OUTCOME)
        .exclude(outcome=Outcome.UNKNOWN)
        .values("target")
        .annotate(outcomes=Count("outcome", distinct=True))
        .filter(outcomes__gt=1)
    )
    times = (
        per_operation.filter(point=Claim.Point.TIME)
        .annotate(latest_start=Max("occurred_at"), earliest_end=Min("occurred_until"))
        .filter(latest_start__gte=F("earliest_end"))
    )
    places = (
        per_operation.filter(point=Claim.Point.PLACE)
        .annotate(places=Count("place", distinct=True))
        .filter(places__gt=1)
    )
    kinds = (
        per_operation.filter(point=Claim.Point.KIND)
        .annotate(kinds=Count("kind", distinct=True))
        .filter(kinds__gt=1)
    )
    # Forces differ when one current claim names a force that another leaves out.
    named = Claim.claimed_forces.through.objects
    lacking = current.filter(
        point=Claim.Point.FORCES, operation=OuterRef(OuterRef("operation"))
    ).filter(
        ~Exists(
            named.filter(claim=OuterRef("pk"), organisation=OuterRef(OuterRef("organisation")))
        )
    )
    forces = mine.filter(point=Claim.Point.FORCES).filter(
        Exists(named.filter(claim=OuterRef("pk")).filter(Exists(lacking)))
    )
    return (
        Exists(counts)
        | Exists(outcomes)
        | Exists(times)
        | Exists(places)
        | Exists(kinds)
        | Exists(forces)
    )


class OperationKind(models.TextChoices):
    AIRSTRIKE = "airstrike", _("airstrike")
    DRONE_STRIKE = "drone_strike", _("drone strike")
    HELICOPTER_RAID = "helicopter_raid", _("helicopter raid")
    GROUND_RAID = "ground_raid", _("ground raid")
    CAPTURE = "capture", _("capture operation")
    OTHER = "other", _("other")


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    NEAR = "near", _("near")
    DISTRICT = "district", _("district")
    PROVINCE = "province", _("province")
    REGION = "region", _("region")
    COUNTRY = "country", _("country")


def where_text(place_name, location_precision):
    """ "near Qamishli" for a place known to be near; the place's name otherwise."""
    if location_precision == LocationPrecision.NEAR:
        return f"near {place_name}"
    return place_name


# How each location precision reads beside the place's name on the pages.
LOCATION_NOTES = {
    LocationPrecision.EXACT: _("exact location"),
    LocationPrecision.NEAR: _("near the place named"),
    LocationPrecision.DISTRICT: _("somewhere in the district"),
    LocationPrecision.PROVINCE: _("somewhere in the province"),
    LocationPrecision.REGION: _("somewhere in the region"),
    LocationPrecision.COUNTRY: _("somewhere in the country"),
}


class Operation(Publishable):
    """One action by a force, as the analyst best reads the sources."""

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=OperationKind.choices, db_index=True)
    occurred_at = models.DateTimeField(
        db_index=True,
        help_text=_("In UTC; the start of the period when the precision is coarser."),
    )
    date_precision = models.CharField(
        max_length=6, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    local_time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("IANA zone for display, such as Asia/Damascus."),
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="operations"
    )
    location_precision = models.CharField(
        max_length=8, choices=LocationPrecision.choices, default=LocationPrecision.EXACT
    )
    summary = models.TextField(blank=True)
    conducted_by = models.ManyToManyField(
        Organisation, through="OperationForce", related_name="operations_conducted"
    )
    related = models.ManyToManyField(
        "self", through="OperationLink", symmetrical=False, related_name="+"
    )
    deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("Set by a delete in the admin; a reviewer can restore the operation."),
    )
    occurred_on = models.DateField(
        editable=False,
        db_index=True,
        help_text=_("The local date of occurred_at, kept in step on save."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_duplicates",
        help_text=_(
            "Set when a reviewer merges this duplicate into another operation: its claims "
            "and targets moved there, and it is hidden everywhere but the admin."
        ),
    )
    history = lean_history(
        unindexed=[
            *PUBLISHABLE_UNINDEXED,
            "kind",
            "occurred_at",
            "deleted_at",
            "occurred_on",
            "place",
            "merged_into",
        ]
    )

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        permissions = [("publish_operation", "Can publish and unpublish operations")]
        indexes = [
            models.Index(fields=["status", "-occurred_at"], name="operation_timeline"),
            models.Index(fields=["kind", "occurred_at"], name="operation_kind_date"),
            # Counts of operations at some places (a country, a bounding box, q's places),
            # read from the index alone: no row is fetched to learn that it is visible.
            models.Index(
                fields=["place", "status", "deleted_at", "merged_into", "occurred_on"],
                name="operation_place_visible",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OperationKind.values), name="operation_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(date_precision__in=DatePrecision.values),
                name="operation_date_precision_known",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("operation", args=[self.pk])

    def clean(self):
        super().clean()
        error = time_error(self.occurred_at, self.local_time_zone, self.date_precision)
        if error:
            raise ValidationError({"occurred_at": error})

    @property
    def local_occurred_at(self):
        return self.occurred_at.astimezone(dates.zone(self.local_time_zone))

    @property
    def local_date(self):
        """The day on which it happened where it happened (pages show this first)."""
        return self.local_occurred_at.date()

    def save(self, *args, **kwargs):
        # Stored so that date filters select by the local date, as pages show it.
        self.occurred_on = self.local_date
        super().save(*args, **kwargs)

    @property
    def when(self):
        """ "6 Oct 2022, 18:23 local time (15:23 UTC)", "Feb 2022": as precise as known."""
        local = self.local_occurred_at
        text = dates.format_local(local, self.date_precision)
        if self.date_precision in (DatePrecision.MINUTE, DatePrecision.HOUR):
            utc = self.occurred_at.astimezone(dt.UTC)
            day = "" if utc.date() == local.date() else f"{utc.day} {utc:%b}, "
            text += f" local time ({day}{utc:%H:%M} UTC)"
        return text

    @property
    def public_where(self):
        """`where`, unless the place is a draft that readers may not see yet."""
        return self.where if self.place is None or self.place.is_published else ""

    @property
    def where(self):
        """ "near Qamishli", "northern Syria": the place as precisely as known."""
        if self.place is None:
            return ""
        return where_text(self.place.name, self.location_precision)

    @property
    def location_note(self):
        """How precisely the place is known, in words for readers: "somewhere in the region"."""
        if self.place is None:
            return ""
        return LOCATION_NOTES[self.location_precision]

    def unpublished_dependencies(self):
        """Draft records this operation shows: its place, forces, targets and sources.

        Readers would not see them, so a reviewer who publishes is told.
        """
        candidates = [self.place] if self.place else []
        candidates += [force.organisation for force in self.forces.select_related("organisation")]
        for target in self.targets.select_related("person", "organisation"):
            candidates += [record for record in (target.person, target.organisation) if record]
        candidates += list(Source.objects.filter(claims__operation=self).distinct())
        drafts = [record for record in candidates if not record.is_published]
        return list(dict.fromkeys(drafts))

    @property
    def is_unilateral(self):
        """Conducted by one force alone (uses the prefetched `forces`)."""
        return len(self.forces.all()) == 1

    @cached_property
    def claims_summary(self):
        """The derived view of the claims (see summary.py); prefetch with `with_summary()`."""
        from .summary import OperationSummary

        return OperationSummary(self)


class OperationMerge(models.Model):
    """A reviewer's merge of a duplicate operation into the one kept, and what moved.

    Kept so that the merge can be undone: the claims and targets listed here go
    back to the duplicate, which becomes visible again.
    """

    kept = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="merges_in")
    duplicate = models.ForeignKey(Operation, on_delete=models.PROTECT, related_name="merges_out")
    claim_ids = models.JSONField(default=list)
    target_ids = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self):
        return f"{self.duplicate} merged into {self.kept}"


class OperationForce(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")
        SUPPORT = "support", _("support (intelligence, logistics)")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="forces")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="operation_forces"
    )
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.LEAD)
    history = lean_history(unindexed=["organisation"])

    class Meta:
        ordering = ["operation", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "organisation"], name="operation_force_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def public_name(self):
        return public_name(self.organisation)


class OperationLink(models.Model):
    class Relation(models.TextChoices):
        FOLLOWED = "followed", _("followed")
        SAME_CAMPAIGN = "same_campaign", _("part of the same campaign as")
        DUPLICATE_OF = "duplicate_of", _("duplicate of")

    from_operation = models.ForeignKey(
        Operation, on_delete=models.CASCADE, related_name="links_from"
    )
    to_operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="links_to")
    relation = models.CharField(max_length=14, choices=Relation.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_operation", "to_operation", "relation"],
                name="operation_link_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_operation=models.F("to_operation")),
                name="operation_link_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"{self.from_operation} {self.get_relation_display()} {self.to_operation}"

    def clean(self):
        super().clean()
        if self.from_operation_id and self.from_operation_id == self.to_operation_id:
            raise ValidationError(_("An operation cannot be related to itself."))


class Outcome(models.TextChoices):
    KILLED = "killed", _("killed")
    WOUNDED = "wounded", _("wounded")
    CAPTURED = "captured", _("captured")
    ESCAPED = "escaped", _("escaped")
    DIED_BY_OWN_HAND = "died_by_own_hand", _("died by own hand")
    UNHARMED = "unharmed", _("unharmed")
    UNKNOWN = "unknown", _("unknown")


# Far above any report, and inside every database's integer range.
MAX_COUNT = 1_000_000

FINAL_OUTCOMES = (Outcome.KILLED, Outcome.DIED_BY_OWN_HAND)


class Target(models.Model):
    """Who or what an operation aimed at, with the analyst's best reading of the outcome."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="targets")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="targets"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_in",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text=_("For an unnamed target: 'an associate'.")
    )
    role = models.CharField(max_length=200, blank=True, help_text=_("The role they held then."))
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.UNKNOWN)
    history = lean_history(unindexed=["person", "organisation"])

    class Meta:
        ordering = ["operation", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, organisation__isnull=True, description="")
                    | Q(person__isnull=True, organisation__isnull=False, description="")
                    | (Q(person__isnull=True, organisation__isnull=True) & ~Q(description=""))
                ),
                name="target_is_exactly_one_thing",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="target_outcome_known"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return str(self.person or self.organisation or self.description)

    @property
    def public_name(self):
        """The name readers may see: a draft person or organisation is not shown yet."""
        record = self.person or self.organisation
        return public_name(record) if record is not None else self.name

    def clean(self):
        super().clean()
        description = (self.description or "").strip()
        given = [bool(self.person_id), bool(self.organisation_id), bool(description)]
        if sum(given) != 1:
            raise ValidationError(
                _("A target is exactly one of: a person, an organisation, or a description.")
            )


def format_count_range(low, high):
    """ "0", "2–5", "at least 13": a count as reports give it."""
    if low is None:
        return ""
    if high is None:
        return f"at least {low}"
    if high == low:
        return str(low)
    return f"{low}–{high}"


class Claim(models.Model):
    """One source's statement about one point of one operation."""

    class Point(models.TextChoices):
        OUTCOME = "outcome", _("a target's outcome")
        CASUALTIES = "casualties", _("a casualty count")
        TIME = "time", _("the time")
        PLACE = "place", _("the place")
        FORCES = "forces", _("the conducting forces")
        KIND = "kind", _("the kind of operation")

    class Category(models.TextChoices):
        COMBATANTS_KILLED = "combatants_killed", _("combatants killed")
        COMBATANTS_WOUNDED = "combatants_wounded", _("combatants wounded")
        CIVILIANS_KILLED = "civilians_killed", _("civilians killed")
        CIVILIANS_WOUNDED = "civilians_wounded", _("civilians wounded")
        OWN_FORCES_KILLED = "own_forces_killed", _("own forces killed")
        OWN_FORCES_WOUNDED = "own_forces_wounded", _("own forces wounded")
        DETAINED = "detained", _("people detained")
        PEOPLE_KILLED = "people_killed", _("people killed (not broken down)")
        PEOPLE_WOUNDED = "people_wounded", _("people wounded (not broken down)")

    class Credibility(models.IntegerChoices):
        """The Admiralty (NATO) scale for the credibility of the information."""

        CONFIRMED = 1, _("1 – confirmed by other sources")
        PROBABLY_TRUE = 2, _("2 – probably true")
        POSSIBLY_TRUE = 3, _("3 – possibly true")
        DOUBTFUL = 4, _("4 – doubtful")
        IMPROBABLE = 5, _("5 – improbable")
        CANNOT_BE_JUDGED = 6, _("6 – truth cannot be judged")

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="claims")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="claims")
    point = models.CharField(max_length=10, choices=Point.choices)

    target = models.ForeignKey(
        Target, on_delete=models.RESTRICT, null=True, blank=True, related_name="claims"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    count_low = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_COUNT)]
    )
    count_high = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COUNT)],
        help_text=_("Empty for an open range: 'at least 13'."),
    )
    count_note = models.CharField(
        max_length=300, blank=True, help_text=_("A part of the count: 'among them four children'.")
    )

    occurred_at = models.DateTimeField(null=True, blank=True)
    date_precision = models.CharField(max_length=6, choices=DatePrecision.choices, blank=True)
    local_time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    location_precision = models.CharField(
        max_length=8, choices=LocationPrecision.choices, blank=True
    )
    claimed_forces = models.ManyToManyField(Organisation, blank=True, related_name="claimed_in")
    kind = models.CharField(max_length=16, choices=OperationKind.choices, blank=True)

    attribution = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("As the source gives it: 'three military sources'."),
    )
    quote = models.TextField(max_length=1000, blank=True, validators=[MaxLengthValidator(1000)])
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text=_("An earlier claim on the same point that this one corrects."),
    )
    occurred_until = models.DateTimeField(
        null=True,
        editable=False,
        help_text=_("The end of the claimed time's period, kept in step on save."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = lean_history(
        unindexed=["source", "target", "place", "supersedes"], m2m_fields=[claimed_forces]
    )

    # The field each point needs; the others must stay empty.
    POINT_FIELDS = {
        Point.OUTCOME: ("target", "outcome"),
        Point.CASUALTIES: ("category", "count_low"),
        Point.TIME: ("occurred_at", "date_precision", "local_time_zone"),
        Point.PLACE: ("place", "location_precision"),
        Point.FORCES: (),
        Point.KIND: ("kind",),
    }

    class Meta:
        ordering = ["operation", "point", "id"]
        indexes = [models.Index(fields=["operation", "point", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(count_high__isnull=True)
                | Q(count_low__isnull=False, count_high__gte=models.F("count_low")),
                name="claim_count_low_not_above_high",
            ),
            models.CheckConstraint(
                condition=~Q(point="casualties") | (~Q(category="") & Q(count_low__isnull=False)),
                name="claim_casualties_have_category_and_count",
            ),
            models.CheckConstraint(
                condition=~Q(point="outcome") | (Q(target__isnull=False) & ~Q(outcome="")),
                name="claim_outcome_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(point="time") | Q(occurred_at__isnull=False),
                name="claim_time_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(point="place") | Q(place__isnull=False),
                name="claim_place_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(point="kind") | ~Q(kind=""), name="claim_kind_has_value"
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="claim_credibility_1_to_6",
            ),
            models.CheckConstraint(
                condition=~Q(supersedes=models.F("pk")), name="claim_not_superseding_itself"
            ),
        ]

    def __str__(self):
        return f"{self.source}: {self.statement}"

    @property
    def statement(self):
        """What the claim says, in a few words."""
        return self.describe()

    def describe(self, *, public=False):
        """The statement; with `public`, draft records it names are not named."""
        if self.point == self.Point.OUTCOME:
            target = self.target.public_name if public else self.target
            return f"{target} {self.get_outcome_display()}"
        if self.point == self.Point.CASUALTIES:
            return f"{self.get_category_display()}: {self.count_range}"
        if self.point == self.Point.TIME:
            return self.when
        if self.point == self.Point.PLACE:
            near = "near " if self.location_precision == LocationPrecision.NEAR else ""
            return f"at {near}{name_for(self.place, public=public)}"
        if self.point == self.Point.KIND:
            return self.get_kind_display()
        forces = self.claimed_forces.all()
        return "by " + ", ".join(name_for(force, public=public) for force in forces)

    @property
    def count_range(self):
        return format_count_range(self.count_low, self.count_high)

    @property
    def local_occurred_at(self):
        if self.occurred_at is None:
            return None
        return self.occurred_at.astimezone(dates.zone(self.local_time_zone))

    def period_end(self):
        """When the claimed period ends ("6 Oct" ends at the next local midnight)."""
        if self.occurred_at is None or self.date_precision not in DatePrecision.values:
            return None
        return dates.period_end(self.local_occurred_at, self.date_precision).astimezone(dt.UTC)

    def save(self, *args, **kwargs):
        # Stored so that the database can tell disagreeing times apart (contested()).
        self.occurred_until = self.period_end()
        super().save(*args, **kwargs)

    @property
    def when(self):
        if self.occurred_at is None:
            return ""
        return dates.format_local(self.local_occurred_at, self.date_precision or "minute")

    @property
    def point_key(self):
        """What this claim is about: claims with equal keys may disagree or correct."""
        if self.point == self.Point.OUTCOME:
            return (self.point, self.target_id)
        if self.point == self.Point.CASUALTIES:
            return (self.point, self.category)
        return (self.point,)

    def supersession_chain(self):
        """The ids of the claims this one corrects, directly or through others."""
        chain = []
        earlier = self.supersedes
        while earlier is not None and earlier.pk not in chain:
            chain.append(earlier.pk)
            earlier = earlier.supersedes
        return chain

    def clean(self):
        super().clean()
        errors = {}
        needed = self.POINT_FIELDS.get(self.point, ())
        for field in needed:
            if getattr(self, field) in (None, ""):
                errors[field] = _("A claim about %(point)s needs this field.") % {
                    "point": self.get_point_display()
                }
        others = {field for fields in self.POINT_FIELDS.values() for field in fields}
        if self.point != self.Point.CASUALTIES:
            others |= {"count_high", "count_note"}
        for field in others - set(needed):
            if getattr(self, field) not in (None, ""):
                errors[field] = _("A claim about %(point)s leaves this field empty.") % {
                    "point": self.get_point_display()
                }
        counts = (self.count_low, self.count_high)
        # Values that clean_fields refused (not numbers) are not compared.
        if all(isinstance(count, int) for count in counts) and counts[1] < counts[0]:
            errors["count_high"] = _(
                "The high (%(high)s) is below the low (%(low)s): for an open range "
                "such as 'at least 13', leave the high empty."
            ) % {"high": counts[1], "low": counts[0]}
        if self.target_id and self.operation_id and self.target.operation_id != self.operation_id:
            errors["target"] = _("The target belongs to another operation.")
        if self.point == self.Point.TIME and "occurred_at" not in errors:
            if self.local_time_zone not in dates.time_zone_names():
                errors["local_time_zone"] = _("Give the IANA time zone of the claimed time.")
            else:
                error = time_error(self.occurred_at, self.local_time_zone, self.date_precision)
                if error:
                    errors["occurred_at"] = error
        if self.supersedes_id:
            earlier = self.supersedes
            if earlier.pk == self.pk:
                errors["supersedes"] = _("A claim cannot supersede itself.")
            elif earlier.operation_id != self.operation_id:
                errors["supersedes"] = _(
                    "A claim can only supersede a claim about the same operation."
                )
            elif self.pk and self.pk in earlier.supersession_chain():
                errors["supersedes"] = _("Corrections cannot go round in a circle.")
            elif earlier.point_key != self.point_key:
                errors["supersedes"] = _(
                    "A claim can only supersede a claim about the same point "
                    "(the same target's outcome, the same casualty category, …)."
                )
        if errors:
            raise ValidationError(errors)


class DataVersion(models.Model):
    """How many times the records have been written: one row, read by every anonymous
    request and moved by every write, so that caches keyed by it are never stale
    (see caching.py)."""

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version")
        # Nobody edits it by hand.
        default_permissions = ()

    def __str__(self):
        return str(self.number)
