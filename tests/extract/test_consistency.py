from pipeline.extract.consistency import RepeatRules, agreed_names, repeat_rules
from pipeline.types import Mention

RULES = RepeatRules(frozenset({"PERSON", "GPE", "LOC"}), 2)


def mention(text: str, label: str, whole: str, occurrence: int = 0) -> Mention:
    start = -1
    for _ in range(occurrence + 1):
        start = whole.index(text, start + 1)
    return Mention(label, start, start + len(text), text, "ner", norm=text)


def test_names_whose_mentions_disagree_or_whose_label_is_not_listed_are_not_agreed():
    text = "长岭是地方。长岭是人。海军来了。海军"
    disputed = [mention("长岭", "GPE", text), mention("长岭", "PERSON", text, 1), mention("海军", "ORG", text)]
    assert agreed_names(disputed, RULES) == {}


def test_the_labels_come_from_the_table():
    rules = repeat_rules()
    assert "ORG" not in rules.labels and {"PERSON", "GPE"} <= rules.labels and rules.min_chars >= 2


def test_a_model_piece_of_a_longer_agreed_name_becomes_that_name():
    from pipeline.extract.consistency import with_cut_names_restored

    text = "窦连东在邱县工作。连东说，窦连东很好。"
    second = text.index("窦连东", 3)
    piece = Mention("PLACE", second + 1, second + 3, "连东", "ner", norm="连东")
    lone = mention("连东", "PLACE", text)  # 连东 alone, not inside the name: left as it is
    result = with_cut_names_restored(text, [(0, len(text))], [mention("窦连东", "PERSON", text), piece, lone], RULES)
    assert sorted((m.start, m.text, m.label, m.source) for m in result) == [
        (0, "窦连东", "PERSON", "ner"), (lone.start, "连东", "PLACE", "ner"),
        (second, "窦连东", "PERSON", "consistency")]


def test_rule_mentions_and_mentions_reaching_outside_the_name_are_kept():
    from pipeline.extract.consistency import with_cut_names_restored

    text = "宫川宏一说。宫川宏一对银行。宫川宏一对"
    first = mention("宫川宏一", "PERSON", text)
    by_rule = Mention("PERSON", text.index("宫川宏", 6), text.index("宫川宏", 6) + 3, "宫川宏", "rules", norm="宫川宏")
    last = text.rindex("宫川宏一")
    beyond = Mention("PERSON", last + 1, last + 5, "川宏一对", "ner", norm="川宏一对")
    result = with_cut_names_restored(text, [(0, len(text))], [first, by_rule, beyond], RULES)
    assert sorted(result, key=lambda m: m.start) == [first, by_rule, beyond]


def test_the_models_odd_label_out_takes_the_articles_agreed_label():
    from pipeline.extract.consistency import with_agreed_labels

    text = "苏景云下井。苏景云采煤。正是由于苏景云坚韧不拔。"
    people = [mention("苏景云", "PERSON", text, 0), mention("苏景云", "PERSON", text, 1)]
    odd = mention("苏景云", "GPE", text, 2)
    by_rule = Mention("GPE", odd.start, odd.end, "苏景云", "rules", norm="苏景云")
    assert [m.label for m in with_agreed_labels([(0, len(text))], people + [odd], RULES)] == ["PERSON"] * 3
    # a tie is no agreement, and what a rule found is left as it is
    assert with_agreed_labels([(0, len(text))], people[:1] + [odd], RULES)[1].label == "GPE"
    assert with_agreed_labels([(0, len(text))], people + [by_rule], RULES)[2].label == "GPE"


def test_a_name_that_overlaps_itself_is_restored_only_where_a_search_for_it_finds_it():
    from pipeline.extract.consistency import with_cut_names_restored

    # 阿里阿里阿: a search finds 阿里阿 at 0, then goes on from 3, so the 阿里阿 at 2 is never read
    text = "阿里阿说。阿里阿里阿来了。"
    agreed = mention("阿里阿", "PERSON", text)
    second = text.index("阿里阿", 3)
    head_piece = Mention("PERSON", second, second + 2, "阿里", "ner", norm="阿里")  # inside the one found at 5
    tail_piece = Mention("PERSON", second + 3, second + 5, "里阿", "ner", norm="里阿")  # inside only the one at 7
    result = with_cut_names_restored(text, [(0, len(text))], [agreed, head_piece, tail_piece], RULES)
    assert sorted((m.start, m.text, m.source) for m in result) == [
        (0, "阿里阿", "ner"), (second, "阿里阿", "consistency"), (second + 3, "里阿", "ner")]
