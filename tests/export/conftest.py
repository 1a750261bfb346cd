"""Print how long each exported script took to run (the issue asks for the figures)."""


def pytest_terminal_summary(terminalreporter):
    import sys

    module = sys.modules.get("test_export_training")
    timings = getattr(module, "TIMINGS", None)
    if not timings:
        return
    terminalreporter.section("exported scripts: seconds per run (two at a time)")
    for label, seconds in sorted(timings, key=lambda item: -item[1]):
        terminalreporter.write_line(f"{seconds:7.1f}  {label}")
    total = sum(seconds for _, seconds in timings)
    terminalreporter.write_line(f"{total:7.1f}  total over {len(timings)} runs")
