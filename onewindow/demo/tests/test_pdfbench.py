from onewindow.cases.models import CaseDocument
from onewindow.demo import pdfbench


def test_the_benchmark_has_a_snapshot_for_every_document_kind():
    # A new notice kind without one made `python -m onewindow.demo.pdfbench` fail with a KeyError.
    assert set(pdfbench.SNAPSHOTS) == set(CaseDocument.Kind.values)


def test_the_benchmark_renders_and_prints_a_line_per_document(capsys):
    pdfbench.main(["-n", "1", "--only", "termination"])
    out = capsys.readouterr().out
    assert "termination" in out and "peak RSS" in out
