"""The template anju ships: the annual safe-county (平安建设) and political-legal work summary in the
structure counties use. Counties copy and edit it in the browser; it is created on first use."""

from __future__ import annotations

from django.db import IntegrityError, transaction

ANNUAL = "annual"
ANNUAL_NAME = "平安建设暨政法工作年度总结"
ANNUAL_BODY = """\
= {{ region }}{{ period }}平安建设暨政法工作总结
{{ period }}，{{ region }}围绕平安建设和政法工作目标任务，统筹推进矛盾纠纷排查化解、网格化服务管理和重点事项督办。现将工作情况总结如下。
# 落实领导责任和会议议事情况
{{ period }}共召开各类会议{{ meetings.held }}次，作出议定事项{{ meetings.decisions }}项。交办督办事项{{ tasks.assigned }}件，办结{{ tasks.accepted }}件，按期办结率{{ tasks.on_time_rate|percent }}；截至统计时超期未办结{{ tasks.overdue }}件。
{{ table:meetings.by_kind }}
# 维护社会稳定和毗邻地区联防联调情况
## 矛盾纠纷上交和督促情况
本期摸排的矛盾纠纷中，上报上级协调处理{{ disputes.escalated }}件；上级对承办单位催办{{ disputes.urged }}次。
## 毗邻地区联调联处情况
与毗邻县（区）联调联处案件{{ joint.cases }}件。
? 简述与毗邻县（区）建立的联防联调机制，以及开展联合排查、联合调处的情况。
# 法治建设和基层治理情况
## 矛盾纠纷排查化解
共摸排矛盾纠纷{{ disputes.found }}件，化解{{ disputes.resolved }}件，化解率{{ disputes.resolution_rate|percent }}，上年同期为{{ disputes.resolution_rate|last_year }}。其中村（社区）化解{{ disputes.resolved_village }}件，乡镇（街道）化解{{ disputes.resolved_township }}件，县级化解{{ disputes.resolved_county }}件；在发生层级就地化解{{ disputes.not_passed_upward }}件，占化解总数的{{ disputes.not_passed_upward_share|percent }}。化解平均用时{{ disputes.average_days_to_resolve }}天。
{{ table:disputes.by_category }}
{{ table:disputes.by_level }}
## 网格化服务管理
网格上报事件{{ events.reported }}件，立案{{ events.filed }}件，核查办结{{ events.closed }}件，按时处置率{{ events.handled_on_time_rate|percent }}，群众评价平均{{ events.average_satisfaction }}分。
## 线索核查
受理线索{{ tips.received }}件，完成核查{{ tips.verified }}件，其中按期核查{{ tips.verified_on_time }}件；截至统计时超期未核查{{ tips.overdue }}件。
# 存在的问题和下一步工作
## 存在的问题
截至统计时，超过办理时限仍未办结的矛盾纠纷{{ disputes.overdue }}件，分布如下。
{{ table:disputes.overdue_by_region }}
? 结合上表和各乡镇（街道）工作实际，写明本期工作中存在的主要问题。
## 下一步工作打算
? 写明下一步工作的主要措施和安排。
"""  # noqa: E501 (the template's lines are paragraphs as people write them)


def annual_template():
    """The shipped annual template, created with its first version the first time it is asked for."""
    from .models import ReportTemplate, TemplateVersion

    template = ReportTemplate.objects.filter(shipped=ANNUAL).first()
    if template is not None:
        return template
    try:
        with transaction.atomic():
            template = ReportTemplate.objects.create(name=ANNUAL_NAME, shipped=ANNUAL)
            TemplateVersion.objects.create(template=template, number=1, body=ANNUAL_BODY)
    except IntegrityError:  # another request created it first
        template = ReportTemplate.objects.get(shipped=ANNUAL)
    return template
