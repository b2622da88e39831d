"""Headlines, datelines and bylines on plain-text pages (made-up pages in the styles
of city dailies and People's Daily)."""
from dataclasses import dataclass

from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text
from pipeline.types import Article, Sentence


@dataclass
class Page:
    text: str
    articles: list[Article]
    sentences: list[Sentence]
    people: list[str]  # the names layout found, as they stand in the text

    @property
    def sentence_texts(self) -> list[str]:
        return [sentence.text for sentence in self.sentences]


def read(raw: str) -> Page:
    layout = repair_layout(normalize_text(raw))
    articles = find_articles(layout, "d")
    sentences = split_sentences(layout, articles, "d")
    for sentence in sentences:
        assert layout.text[sentence.start:sentence.end] == sentence.text
    people = [layout.text[start:end] for start, end, kind in layout.regions if kind == "person"]
    return Page(layout.text, articles, sentences, people)


def test_a_headline_is_not_glued_to_the_lead_and_its_amount_is_in_no_sentence():
    page = read("市财政局：一季度拨付专项资金1.2亿元\n"
                "本报讯（记者 张伟）一季度，市财政局拨付城市建设专项资金1.2亿元，比去年同期增长12%。\n"
                "资金已全部下达到项目单位。")
    [article] = page.articles
    assert article.title == "市财政局：一季度拨付专项资金1.2亿元"
    assert article.authors == ("张伟",)
    assert page.people == ["张伟"]
    assert page.sentence_texts == ["一季度，市财政局拨付城市建设专项资金1.2亿元，比去年同期增长12%。", "资金已全部下达到项目单位。"]


def test_a_dateline_with_place_and_day_and_a_byline_without_space():
    page = read("春耕备耕有序推进\n本报北京11月12日电（记者王政）今年以来，各地春耕备耕有序推进。\n农资供应充足。")
    [article] = page.articles
    assert (article.title, article.authors) == ("春耕备耕有序推进", ("王政",))
    assert page.sentence_texts[0] == "今年以来，各地春耕备耕有序推进。"


def test_reporter_and_correspondent_on_a_line_of_their_own_above_the_text():
    page = read("新能源汽车产销两旺\n（记者 马晓燕 通讯员 郑凯）\n今年前三季度，我市新能源汽车产量增长三成。\n销量同样增长。")
    [article] = page.articles  # the byline above the text closes nothing
    assert article.authors == ("马晓燕", "郑凯")
    assert page.people == ["马晓燕", "郑凯"]
    assert page.sentence_texts == ["今年前三季度，我市新能源汽车产量增长三成。", "销量同样增长。"]


def test_author_line_and_a_bare_name_under_the_headline():
    essay = read("读书的乐趣\n作者：陈晓东\n读书是一件快乐的事。")
    commentary = read("收了停车费当赔丢车款\n黄晓红\n1995年7月6日，李建国购得小货车一辆。")
    assert [(a.title, a.authors) for a in essay.articles] == [("读书的乐趣", ("陈晓东",))]
    assert [(a.title, a.authors) for a in commentary.articles] == [("收了停车费当赔丢车款", ("黄晓红",))]
    assert essay.sentence_texts == ["读书是一件快乐的事。"]


def test_xinhua_dateline_and_a_photo_credit_after_the_story():
    page = read("两国签署合作协议\n据新华社日内瓦1月28日电（记者李敬臣）两国今天签署了合作协议。\n"
                "双方表示将加强合作。\n（新华社记者郑卫摄）")
    [article] = page.articles
    assert article.authors == ("李敬臣", "郑卫")
    assert page.sentence_texts == ["两国今天签署了合作协议。", "双方表示将加强合作。"]


def test_a_dateline_alone_and_one_at_the_story_end_are_not_running_text():
    page = read("国际北方城市市长会议在哈闭幕\n本报讯第八届国际北方城市市长会议1月18日在哈尔滨闭幕。"
                "（本报哈尔滨1月18日电）")
    [article] = page.articles
    assert article.authors == ()
    assert page.sentence_texts == ["第八届国际北方城市市长会议1月18日在哈尔滨闭幕。"]


def test_reporters_named_before_a_colon():
    page = read("教育改革要加快步伐\n本报南京1月16日电新华社记者尹鸿祝、本报记者毕全忠报道：国家教委今天召开工作会议。")
    assert page.articles[0].authors == ("尹鸿祝", "毕全忠")
    assert page.sentence_texts == ["国家教委今天召开工作会议。"]


def test_two_stories_on_one_page_each_with_headline_and_lead():
    page = read("我市召开人才工作会\n本报讯 会议3月11日召开。\n（刘阳 王馨昱）\n"
                "城区新增幸福食堂\n本报讯（实习生 李明 通讯员 赵强）城区新增幸福食堂5个。")
    assert [(a.title, a.authors) for a in page.articles] == [
        ("我市召开人才工作会", ("刘阳", "王馨昱")), ("城区新增幸福食堂", ("李明", "赵强"))]
    assert page.sentence_texts == ["会议3月11日召开。", "城区新增幸福食堂5个。"]


def test_a_kicker_and_its_title_are_one_headline():
    page = read("春运首日\n全市发送旅客十二万人次\n本报讯（记者 张伟）春运首日，全市发送旅客十二万人次。")
    assert [(a.title, a.authors) for a in page.articles] == [("春运首日 全市发送旅客十二万人次", ("张伟",))]


def test_what_is_not_a_headline_or_a_byline():
    report = read("各位代表：\n现在，我代表国务院，向大会报告政府工作。\n一、2021年工作回顾\n过去一年极不平凡。")
    assert [a.title for a in report.articles] == [None]
    assert report.sentence_texts[0] == "各位代表："
    assert "一、2021年工作回顾" in report.sentence_texts  # a section line in the text, not a new story
    notes = read("作者简介\n编辑部\n本文作者长期从事教育研究。")
    assert all(a.authors == () for a in notes.articles) and notes.people == []


def test_a_kicker_under_a_markdown_heading_stays_a_label_not_a_byline():
    page = read("## 新中国首位女采煤队队长——苏景云\n\n百年党史 中烟芳华\n\n苏景云1937年出生。")
    assert [(a.title, a.authors) for a in page.articles] == [("新中国首位女采煤队队长——苏景云", ())]
    assert page.sentence_texts == ["百年党史 中烟芳华", "苏景云1937年出生。"]


def test_a_photo_credit_ends_its_caption_not_the_story():
    page = read("激动人心的时刻\n本报驻南非记者温宪\n图为开馆仪式现场。（新华社记者李学仁摄）\n"
                "1月1日上午9时，大使馆举行了开馆仪式。")
    assert [(a.title, a.authors) for a in page.articles] == [("激动人心的时刻", ("温宪", "李学仁"))]


def test_a_long_subtitle_right_above_the_lead_belongs_to_the_headline():
    subtitle = "江泽民李鹏乔石朱镕基李瑞环刘华清尉健行李岚清与万名首都各界群众和劳动模范代表一起辞旧迎新"
    page = read(f"北京举行新年音乐会\n{subtitle}\n本报北京12月31日讯新华社记者陈雁、本报记者何加正报道：音乐会今晚举行。")
    assert [(a.title, a.authors) for a in page.articles] == [(f"北京举行新年音乐会 {subtitle}", ("陈雁", "何加正"))]
    assert page.sentence_texts == ["音乐会今晚举行。"]
