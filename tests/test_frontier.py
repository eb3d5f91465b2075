from xldistill.translation.frontier import frontier


def point(name, bleu, speed):
    return {"name": name, "bleu": bleu, "sentences_per_s": speed}


def test_a_point_beaten_on_both_axes_is_off_the_frontier():
    points = [point("teacher fp32", 70.0, 80.0), point("teacher ct2", 70.2, 450.0),
              point("student fp32", 64.0, 180.0), point("student ct2", 64.1, 1800.0),
              point("baseline ct2", 63.0, 1900.0), point("slow and bad", 60.0, 100.0)]
    assert [p["name"] for p in frontier(points)] == ["teacher ct2", "student ct2", "baseline ct2"]


def test_ties_stay_and_equal_speed_needs_more_quality():
    points = [point("a", 65.0, 100.0), point("b", 65.0, 100.0), point("c", 64.0, 100.0)]
    assert [p["name"] for p in frontier(points)] == ["a", "b"]
