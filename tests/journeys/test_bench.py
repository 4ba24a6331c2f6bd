"""The benchmark seeds and measures (on a few journeys here): it must not rot between runs."""

import bench.journeys as bench


def test_the_benchmark_seeds_and_prints_its_pages(db, monkeypatch, settings):
    monkeypatch.setattr(bench, "JOURNEYS", 800)
    monkeypatch.setattr(bench, "WARMUPS", 1)
    monkeypatch.setattr(bench, "RUNS", 2)
    lines = bench.run()
    assert [line["page"] for line in lines] == ["journey_member", "advisor_dashboard",
                                                  "coop_overview"]
    assert all(line["journeys"] == 800 and line["queries"] > 0 for line in lines)
    assert bench.seeded()
    assert bench.run()[0]["journeys"] == 800  # the second run reuses the seed
