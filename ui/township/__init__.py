"""Township mode: the township officer's program over the hub (app.hub), in the same look as the village's.

The sidebar has 总览, 导入U盘, 各村详情, 核验证明, 月报 and 设置 (ui.township.window). Screens reach the hub
only through ui.township.ops (HubRead, HubWrite), the township's counterpart of ui.operations; a village is
read through a read-only copy of its store (app.hub.village_copy) with ui.operations' ReadOp, so the
village's own read-only views (the notice print preview, the certificate register) show it unchanged.
"""
