"""What the editor shows on hover: every content field's title and description in Chinese.

The JSON Schemas (schema.py) are generated from the models; this table gives each field
the words a Chinese office reads (the models' English docstring follows as a second
line), and an example where one helps. Keys are a field name (``title``), or a model
and a field (``Status.label``) where one name means different things in different
places; the more specific key wins. A test fails when a field of a schema has no entry.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Doc(NamedTuple):
    title: str
    description: str
    examples: list[Any] | None = None


STATUS_HELP = (
    "按状态的计数：每个键是 figures.yaml 中 statuses 定义的一个状态（如 rectified、"
    "completed），值是处于该状态的数量。各状态合计不能超过 total，余下的显示为尚在推进。"
    "状态是否算作完成由 statuses 中的 done 决定"
)

FIELDS: dict[str, Doc] = {
    # --- site.yaml ---
    "name": Doc("网站名称", "显示在每页页眉和标题中的网站名称", ["巡视整改进展情况"]),
    "base_url": Doc(
        "网站地址",
        "网站发布后的完整地址，以 http:// 或 https:// 开头；用于 sitemap.xml、规范链接和"
        "订阅源。也可用 --base-url 指定",
        ["https://www.example.gov.cn/xszg/"],
    ),
    "sponsor": Doc("主办单位", "页脚显示的主办单位；不填则不显示", ["中共上海市黄浦区委员会"]),
    "icp": Doc("ICP 备案号", "页脚显示的 ICP 备案号；不填则不显示", ["沪ICP备00000000号"]),
    "police_record": Doc("公安备案号", "页脚显示的公安机关备案号；不填则不显示"),
    "site_code": Doc("网站标识码", "政府网站标识码；不填则不显示"),
    # --- report.yaml ---
    "title": Doc(
        "标题",
        "标题原文（不含发布机关），不能为空或只有空格",
        ["关于十二届市委第二轮巡视集中整改进展情况的通报"],
    ),
    "issuer": Doc("发布机关", "发布通报的机关全称，显示在标题上方", ["中共上海市黄浦区委员会"]),
    "draft": Doc(
        "草稿",
        "true 表示草稿：build 不发布，serve 预览时显示并标注草稿。只能写 true 或 false",
        [True, False],
    ),
    "published": Doc("发布日期", "通报的发布日期，写作 YYYY-MM-DD，不加引号", ["2024-01-15"]),
    "inspection": Doc("巡视（巡察）", "巡视或巡察的基本信息：种类、巡视组、轮次和日期"),
    "kind": Doc(
        "种类",
        "巡视（默认）或巡察；网站上的固定用语随之变化",
        ["巡视", "巡察"],
    ),
    "team": Doc("巡视组", "开展巡视的巡视组", ["市委第一巡视组"]),
    "round": Doc("轮次", "巡视轮次；网站按轮次归类通报", ["十二届市委第二轮巡视"]),
    "start": Doc("开始日期", "巡视开始日期，写作 YYYY-MM-DD，不加引号", ["2023-03-29"]),
    "end": Doc("结束日期", "巡视结束日期，不早于开始日期", ["2023-06-16"]),
    "feedback": Doc("反馈日期", "反馈巡视意见的日期，不早于结束日期", ["2023-08-30"]),
    "intro": Doc(
        "开头段落",
        "通报的开头一段，可用 Markdown；数字请引用数据，如 {{ inspection.team }}",
    ),
    "parts": Doc(
        "各部分",
        "按顺序列出各部分（一、二、三、），每项是 parts/ 下的文件名（不含 .yaml）；编号自动生成",
        [["leadership", "progress", "next-steps"]],
    ),
    "numbering": Doc("编号样式", "各层级编号的样式；不填则按 GB/T 9704：一、（一）1.（1）"),
    "levels": Doc(
        "各层级编号",
        "每一层级写出其第一个编号；列表较短时其余层级用默认样式",
        [["一、", "（一）", "1.", "（1）"]],
    ),
    "Numbering.actions": Doc("举措编号", "段内举措的编号样式", ["一是", "第一，"]),
    "status_line": Doc(
        "状态前缀",
        "带状态的条目打印为“前缀：状态”，如“整改进展：已完成”",
        ["整改进展"],
    ),
    "contact": Doc("联系方式", "文末的意见建议联系方式；各项都可不填，只显示填写的"),
    "invitation": Doc(
        "征求意见", "联系方式前的一段话", ["欢迎广大干部群众对巡视整改落实情况进行监督。"]
    ),
    "phone": Doc("电话", "联系电话，写作文字（加引号也可以）", ["021-33134800-11393"]),
    "email": Doc("电子邮箱", "联系邮箱", ["someone@example.org"]),
    "address": Doc("通信地址", "来信地址", ["上海市黄浦区延安东路300号"]),
    "envelope_note": Doc("信封注明", "来信时信封上注明的文字", ["关于巡视整改落实情况的意见建议"]),
    "labels": Doc(
        "各行名称",
        "联系方式各行的名称，与原文写法不同时填写，如 phone: 举报电话",
        [{"phone": "举报电话"}],
    ),
    "postcode": Doc("邮政编码", "邮编是文字，请加引号", ["200001"]),
    "disclosure": Doc("政务公开信息", "政府网站在正文上方列出的信息；各项都可不填"),
    "index_no": Doc("索引号", "政务公开目录中的索引号"),
    "publisher": Doc("发布机构", "与发布机关不同时填写"),
    "written": Doc("成文日期", "文件上的成文日期，写作 YYYY-MM-DD", ["2024-01-15"]),
    "mode": Doc("公开方式", "如主动公开", ["主动公开"]),
    "source_url": Doc(
        "原文链接", "原文发布地址，页面上注明“以原文为准”", ["https://www.example.gov.cn/a.html"]
    ),
    "corrections": Doc("修订记录", "发布后的更正，按日期先后排列；显示在全文末尾和订阅源中"),
    "date": Doc("日期", "写作 YYYY-MM-DD，不加引号", ["2024-01-20"]),
    "change": Doc("更正内容", "这次更正了什么", ["更正第二部分一处数字"]),
    # --- nodes (parts, sections, categories, aspects, problems, measures) ---
    "id": Doc(
        "标识",
        "网址和锚点用的简短标识：小写字母、数字和连字符（-），以字母或数字开头，在通报内唯一；"
        "标题改了也请保留",
        ["city-positioning"],
    ),
    "role": Doc(
        "角色",
        "category（问题大类，单独成页）、aspect（方面）、problem（具体问题）或 measure（整改措施）",
        ["category", "aspect", "problem", "measure"],
    ),
    "heading": Doc("小标题", "条目的标题句；编号自动生成，不要手写", ["针对政治站位不够高的问题"]),
    "run_in": Doc("标题接排", "true：标题与第一段接排，以句号结束；false：标题单独成行"),
    "numbered": Doc("编号", "false 表示不编号的段落（如结尾的统计段）"),
    "text": Doc(
        "正文",
        "一段文字，或多段文字的列表；可用 Markdown，"
        "数字请引用数据，如 {{ figures.problems.total }}",
    ),
    "actions": Doc(
        "举措",
        "段内依次编号的举措（一是、二是……），每项一句；编号自动生成，不要手写",
    ),
    "status": Doc("状态", "该条目的整改状态：figures.yaml 中 statuses 的一个键", ["rectified"]),
    "children": Doc("下级条目", "下一层级的条目，或 {file: …} 引用单独的文件"),
    "file": Doc(
        "文件", "放在单独文件中的条目，路径相对于通报文件夹", ["categories/positioning.yaml"]
    ),
    "lead": Doc("导语", "条目前的一段文字"),
    "closing": Doc("结尾段落", "不编号的结尾段落"),
    "items": Doc("条目", "按顺序编号的条目"),
    "sections": Doc("小节", "按顺序编号的小节"),
    "categories": Doc("问题大类", "按顺序列出各问题大类的文件"),
    "aspects": Doc("方面", "按顺序编号的方面（1. 2. ……）"),
    # --- the ledger (整改台账) ---
    "ledger": Doc("整改台账", "通报文件夹中的 ledger.xlsx：问题、措施、责任单位、时限和状态"),
    "LedgerOptions.publish": Doc(
        "公开台账",
        "true：在网站上公开整改台账；默认不公开，只用于核对统计数字",
        [False, True],
    ),
    # --- figures.yaml ---
    "statuses": Doc(
        "状态",
        "本通报用到的每个状态：键用于 by_status 和 status，"
        "label 是显示的文字，done 表示是否算作完成",
        [{"rectified": {"label": "已整改", "done": True}}],
    ),
    "StatusFile.label": Doc("显示文字", "状态在页面上显示的文字", ["已整改", "正在推进"]),
    "StatusFile.done": Doc("算作完成", "true：该状态算作已完成（计入完成数和完成率）"),
    "groups": Doc("数字分组", "统计数字的分组，按通报中的顺序"),
    "label": Doc("名称", "显示的名称", ["具体问题"]),
    "figures": Doc("统计数字", "本组的各项数字"),
    "unit": Doc("单位", "数字的单位", ["项", "件", "人", "万元"]),
    "total": Doc("总数", "总数：只写十进制整数，如 57（不能写 5_7 或 57.0）", [57]),
    "by_status": Doc("按状态计数", STATUS_HELP, [{"rectified": 48}]),
    "value": Doc("数值", "一个整数或精确小数，如 43 或 130.98（不加引号，不写汉字）", [43, 130.98]),
    "counts": Doc("计数对象", "由列出的条目统计：problem 或 measure", ["problem"]),
    "scope": Doc("统计范围", "只统计该标识的条目之内的", ["city-positioning"]),
    "remainder": Doc("余数名称", "总数减去各状态后余下部分的名称", ["正在推进"]),
    "rate": Doc("完成率", "显示完成百分比：label 是名称，precision 是小数位数"),
    "precision": Doc("小数位数", "完成率保留的小数位数，四舍五入", [0, 1]),
    "headline": Doc("要点数字", "true：在列表中显示，并在首页画成条形图"),
}


def doc_for(model: str | None, field: str) -> Doc | None:
    """The entry for ``field`` of ``model`` (a schema $defs name, or the file's kind)."""
    if model:
        found = FIELDS.get(f"{model}.{field}")
        if found is not None:
            return found
    return FIELDS.get(field)
