from muster.demo import region_csv
from muster.geo.actions import region_counts_refresh, regions_import, site_create
from muster.geo.models import Region


def test_beijing_import_is_complete_and_idempotent(db, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")
    report = regions_import(actor=admin, data=region_csv(), filename="beijing.csv")
    assert report.ok and report.created == 7361
    assert Region.objects.filter(level="district").count() == 16
    assert Region.objects.filter(level="street").count() == 336
    assert Region.objects.filter(level="community").count() == 7007
    puanli = Region.objects.get(code="110106007005")
    fengtai = Region.objects.get(code="110106000000")
    assert puanli.path.startswith(fengtai.path) and puanli.depth == 4
    again = regions_import(actor=admin, data=region_csv(), filename="beijing.csv")
    assert again.ok and again.created == 0 and again.unchanged == 7361


def test_bad_region_rows_are_reported_and_nothing_written(world):
    data = ("code,parent,name,level\n"
            "110106007099,110106007000,新社区,community\n"
            "12345,110106007000,短码,community\n"
            "110106007098,119999999999,孤儿,community\n"
            "110106007097,110106007000,层级,planet\n").encode()
    before = Region.objects.count()
    report = regions_import(actor=world.admin, data=data, filename="r.csv")
    assert [(e.line, e.field) for e in report.errors] == [(3, "code"), (5, "level"), (4, "parent")]
    assert Region.objects.count() == before


def test_counts_roll_up_the_tree(world):
    site_create(actor=world.coordinator, region=world.puanli, kind="office", name="居委会")
    world.fengtai.refresh_from_db()
    assert world.fengtai.sites_count == 4  # 3 from the world + this one
    region_counts_refresh()
    world.city.refresh_from_db()
    assert world.city.people_count == 3 and world.city.sites_count == 5


def test_moving_a_street_to_another_district_moves_its_communities(world):
    data = "code,parent,name,level\n110106007000,110107000000,东铁匠营街道,street\n".encode()
    report = regions_import(actor=world.admin, data=data, filename="r.csv")
    assert report.ok and report.updated == 1
    world.puanli.refresh_from_db()
    world.shijingshan.refresh_from_db()
    assert world.puanli.path.startswith(world.shijingshan.path) and world.puanli.depth == 4
