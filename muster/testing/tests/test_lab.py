import pytest

from muster.core.errors import Conflict
from muster.testing import actions
from muster.testing.models import Recall, RecallItem, Sample, Tube
from muster.testing.selectors import outcome, progress
from muster.testing.tests.factories import campaign, people, resident_id_of, sample_all, ship


def test_full_round_with_recall(world):
    c, point = campaign(world, pool_size=5)
    ps = people(world, 10)
    tubes = sample_all(world, point, ps)
    ship(world, point, tubes)
    rows, errors = actions.parse_result_text(f"Sample\tResult\tCt\n{tubes[0]}\tPositive\t28.5\n{tubes[1]}\tneg\n")
    assert not errors
    report = actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=rows)
    assert report.ok and report.updated == 2
    recall = Recall.objects.get()
    assert recall.items.count() == 5 and recall.status == Recall.Status.OPEN
    first = Sample.objects.get(person=ps[0])
    assert outcome(first) == "recalled"
    assert outcome(Sample.objects.get(person=ps[7])) == "negative"
    # Each recalled person comes back for a single tube; the pooled tube's size does not apply.
    actions.recall_contact(actor=world.coordinator, item=RecallItem.objects.filter(person=ps[0]).get())
    singles = []
    for i, p in enumerate(ps[:5]):
        code = f"T{900 + i:09d}"
        actions.tube_open(actor=world.clerk, point=point, barcode=code)
        res = actions.desk_scan(actor=world.clerk, point=point, tube_barcode=code, scan=resident_id_of(p), client_key=f"re{i}")
        assert res["resample"] and res["tube"]["capacity"] == 1 and res["tube"]["status"] == "closed"
        singles.append(code)
    ship(world, point, singles, barcode="B0002")
    lines = "\n".join(f"{code} {'positive' if i == 2 else 'negative'}" for i, code in enumerate(singles[:4]))
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text(lines)[0])
    recall.refresh_from_db()
    assert recall.status == Recall.Status.OPEN  # one person still unresolved
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text(f"{singles[4]} 阴性")[0])
    recall.refresh_from_db()
    assert recall.status == Recall.Status.CLOSED
    assert outcome(Sample.objects.get(person=ps[2], is_resample=False)) == "positive"
    assert outcome(Sample.objects.get(person=ps[0], is_resample=False)) == "negative"
    stats = progress(c)
    assert stats["sampled"] == 10 and stats["resampled"] == 5 and stats["positives"] == 1 and stats["recalls_closed"] == 1


def test_result_for_tube_never_received_is_refused_and_nothing_saved(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 10))
    ship(world, point, tubes[:1])
    rows, _ = actions.parse_result_text(f"{tubes[0]} negative\n{tubes[1]} negative")
    report = actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=rows)
    assert not report.ok and report.errors[0].line == 2
    assert not Tube.objects.exclude(result="").exists()


def test_import_csv_all_or_nothing_with_row_report(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 10))
    ship(world, point, tubes)
    bad = f"tube,result,ct\n{tubes[0]},negative,\n{tubes[1]},maybe,\nT12,negative,\n".encode()
    report = actions.results_import(actor=world.lab_tech, lab=world.lab_site, data=bad, filename="r.csv")
    assert [e.line for e in report.errors] == [3, 4]
    assert not Tube.objects.exclude(result="").exists()
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tube", "Result", "Ct"])
    ws.append([tubes[0], "negative", None])
    ws.append([tubes[1], "positive", 31.2])
    buf = io.BytesIO()
    wb.save(buf)
    report = actions.results_import(actor=world.lab_tech, lab=world.lab_site, data=buf.getvalue(), filename="r.xlsx")
    assert report.ok and report.updated == 2
    assert Tube.objects.get(barcode=tubes[1]).ct == 31.2


def test_final_result_cannot_be_overwritten(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 5))
    ship(world, point, tubes)
    actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text(f"{tubes[0]} neg")[0])
    report = actions.results_enter(actor=world.lab_tech, lab=world.lab_site, rows=actions.parse_result_text(f"{tubes[0]} pos")[0])
    assert not report.ok
    assert Tube.objects.get().result == "negative"


def test_two_clerks_sealing_the_same_box_one_wins(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 5))
    box = actions.box_open(actor=world.clerk, point=point, barcode="B0001", lab=world.lab_site)
    actions.box_add_tubes(actor=world.clerk, box=box, barcodes=tubes)
    stale = type(box).objects.get(pk=box.pk)
    actions.box_seal(actor=world.clerk, box=box)
    with pytest.raises(Conflict):
        actions.box_seal(actor=world.site_lead, box=stale)
    assert box.events.count() == 1


def test_tube_cannot_go_in_two_boxes(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 5))
    a = actions.box_open(actor=world.clerk, point=point, barcode="B0001", lab=world.lab_site)
    b = actions.box_open(actor=world.clerk, point=point, barcode="B0002", lab=world.lab_site)
    actions.box_add_tubes(actor=world.clerk, box=a, barcodes=tubes)
    with pytest.raises(Conflict):
        actions.box_add_tubes(actor=world.clerk, box=b, barcodes=tubes)


def test_lab_run_worklist(world):
    c, point = campaign(world, pool_size=5)
    tubes = sample_all(world, point, people(world, 10))
    ship(world, point, tubes)
    run = actions.run_create(actor=world.lab_tech, lab=world.lab_site, analyser="ABI 7500")
    assert sorted(run.tubes.values_list("run_position", flat=True)) == [1, 2]
    with pytest.raises(Conflict):
        actions.run_create(actor=world.lab_tech, lab=world.lab_site)
