"""Name search over people, organisations and places folds transliteration variants."""

import pytest

from operations import models

pytestmark = pytest.mark.django_db


def names_found(model, query):
    return {record.name for record in model.objects.matching(query)}


def test_qurashi_finds_every_leader_who_bears_the_nisba(demo):
    assert names_found(models.Person, "Qurashi") == {
        "Abu Ibrahim al-Hashimi al-Qurashi",
        "Abu al-Hasan al-Hashimi al-Qurashi",
        "Abu al-Husayn al-Husayni al-Qurashi",
        "Abu Hafs al-Hashimi al-Qurashi",
    }


@pytest.mark.parametrize(
    ("query", "person"),
    [
        ("Abu Ibrahim al-Qurayshi", "Abu Ibrahim al-Hashimi al-Qurashi"),
        ("Abu Ibrahim al-Qurashi", "Abu Ibrahim al-Hashimi al-Qurashi"),
        ("Abu al-Hasan al-Hashimi al-Qurashi", "Abu al-Hasan al-Hashimi al-Qurashi"),
        ("abu muad", "Abu Mu'ad al-Qahtani"),
        ("Abu Mu'adh al Qahtani", "Abu Mu'ad al-Qahtani"),
        ("Abu ‘Ala", "Abu 'Ala"),
        ("Al Shammari", "Rakkan Wahid al-Shammri"),
        ("ركان وحيد الشمري", "Rakkan Wahid al-Shammri"),
        ("البغدادي", "Abu Bakr al-Baghdadi"),
        ("Salim", "Hani Ahmed al-Kurdi"),
    ],
)
def test_a_variant_spelling_ranks_the_person_first(demo, query, person):
    ranked = models.Person.objects.ranked(query)
    assert ranked, f"nothing found for {query!r}"
    assert ranked[0].name == person


def test_leaders_sharing_a_nisba_stay_apart_and_the_full_name_decides(demo):
    shared = {person.name for person in models.Person.objects.ranked("al-Hashimi al-Qurashi")}
    assert shared == {
        "Abu Ibrahim al-Hashimi al-Qurashi",
        "Abu al-Hasan al-Hashimi al-Qurashi",
        "Abu Hafs al-Hashimi al-Qurashi",
    }
    for name in shared:
        assert models.Person.objects.ranked(name)[0].name == name


def test_qahtani_does_not_find_the_qurashis(demo):
    assert names_found(models.Person, "al-Qahtani") == {"Abu Mu'ad al-Qahtani"}


@pytest.mark.parametrize("alias", ["ISIS", "ISIL", "IS", "Daesh", "داعش", "Islamic State"])
def test_every_alias_of_isis_finds_it(demo, alias):
    assert "Islamic State (ISIS)" in names_found(models.Organisation, alias)


def test_a_place_is_found_by_an_alternate_spelling(demo):
    assert names_found(models.Place, "Kamishli") == {"Qamishli"}
    assert names_found(models.Place, "القامشلي") == {"Qamishli"}


def test_a_query_without_letters_finds_nothing(demo):
    assert not models.Person.objects.matching("  '' - ").exists()


def test_renaming_an_alias_refreshes_its_search_keys(demo):
    alias = models.PersonAlias.objects.get(name="Salim")
    alias.name = "Abu Salim"
    alias.save()
    assert names_found(models.Person, "Abu Salim") == {"Hani Ahmed al-Kurdi"}


def test_published_matching_leaves_drafts_out(demo):
    models.Person.objects.create(name="Abu Ibrahim the Second")
    assert "Abu Ibrahim the Second" in names_found(models.Person, "Abu Ibrahim")
    published = {p.name for p in models.Person.objects.published().matching("Abu Ibrahim")}
    assert "Abu Ibrahim the Second" not in published


@pytest.mark.parametrize("typed", ["Qamish", "Kamish", "Kamishl", "Al-Qamis"])
def test_a_place_is_found_while_its_name_is_being_typed(demo, typed):
    assert names_found(models.Place, typed) == {"Qamishli"}


def test_a_limited_ranking_still_finds_the_closest_name_among_hundreds_of_matches(db):
    namesakes = [models.Person(name=f"Aaron Zaid al-Bakri {number:03}") for number in range(205)]
    for person in namesakes:
        person.refresh_search_keys()
    models.Person.objects.bulk_create(namesakes)
    models.Person.objects.create(name="Zaid")

    assert models.Person.objects.matching("Zaid").count() == 206
    assert models.Person.objects.ranked("Zaid", limit=5)[0].name == "Zaid"
