import pytest

from archive import services
from archive.models import Province


@pytest.mark.django_db
def test_gazetteer_loads_63_and_34_provinces_with_successors():
    created = services.provinces_load()
    assert created == 97
    legacy = Province.objects.filter(era=Province.Era.BEFORE_2025)
    assert legacy.count() == 63
    assert Province.objects.filter(era=Province.Era.FROM_2025).count() == 34
    assert not legacy.filter(successor=None).exists()
    successors = dict(legacy.values_list("name", "successor__name"))
    assert successors["Long An"] == "Tây Ninh"
    assert successors["Hòa Bình"] == "Phú Thọ"
    assert successors["Lạng Sơn"] == "Lạng Sơn"
    # Named as articles before 2025 name it (the package already calls it by its 2025 name).
    assert successors["Thừa Thiên Huế"] == "Huế"
    assert legacy.get(slug="thua-thien-hue").full_name == "Tỉnh Thừa Thiên Huế"
    assert legacy.get(slug="hoa-binh").name == "Hòa Bình"  # one tone convention


@pytest.mark.django_db
def test_gazetteer_load_is_idempotent():
    services.provinces_load()
    assert services.provinces_load() == 0
    assert Province.objects.count() == 97
