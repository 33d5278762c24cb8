"""Small factories: each test builds the few records it talks about."""

import datetime as dt

import factory

from operations import models
from operations.dates import DatePrecision


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Place

    name = factory.Sequence(lambda n: f"Village {n}")
    country = "SY"
    latitude = "36.50000"
    longitude = "40.75000"
    status = models.Status.PUBLISHED


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Force {n}")
    kind = models.Organisation.Kind.STATE_FORCE
    status = models.Status.PUBLISHED


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    status = models.Status.PUBLISHED


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    kind = models.Source.Kind.NEWS_ARTICLE
    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    published_on = dt.date(2022, 10, 7)
    reliability = models.Source.Reliability.B
    status = models.Status.PUBLISHED


class OperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Operation

    title = factory.Sequence(lambda n: f"Operation {n}")
    kind = models.OperationKind.AIRSTRIKE
    occurred_at = dt.datetime(2022, 10, 6, 0, 0, tzinfo=dt.UTC)
    date_precision = DatePrecision.DAY
    local_time_zone = "UTC"
    place = factory.SubFactory(PlaceFactory)
    status = models.Status.PUBLISHED


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Target

    operation = factory.SubFactory(OperationFactory)
    person = factory.SubFactory(PersonFactory)
    outcome = models.Outcome.KILLED


class CasualtyClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim

    operation = factory.SubFactory(OperationFactory)
    source = factory.SubFactory(SourceFactory)
    point = models.Claim.Point.CASUALTIES
    category = models.Claim.Category.CIVILIANS_KILLED
    count_low = 0
    count_high = 0
