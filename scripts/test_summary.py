"Print how many tests each suite ran, from pytest's JUnit XML files"
import pathlib
import sys
import xml.etree.ElementTree as ET


def count(path):
    """Return (passed, failed, skipped) test functions of a JUnit file.

    Subtests are reported as extra test cases of the same name: a test
    counts once and fails when any of its subtests fails."""
    outcomes = {}
    for case in ET.parse(path).getroot().iter('testcase'):
        key = (case.get('classname'), case.get('name'))
        if case.find('failure') is not None or case.find('error') is not None:
            outcome = 'failed'
        elif case.find('skipped') is not None:
            outcome = 'skipped'
        else:
            outcome = 'passed'
        previous = outcomes.get(key)
        if previous != 'failed' and not (
                previous == 'passed' and outcome == 'skipped'):
            outcomes[key] = outcome
    values = list(outcomes.values())
    return tuple(values.count(o) for o in ['passed', 'failed', 'skipped'])


def main(paths):
    totals = [0, 0, 0]
    print()
    print("==> Summary (test functions; subtests count with their test)")
    for path in map(pathlib.Path, paths):
        passed, failed, skipped = result = count(path)
        name = path.stem.removeprefix('junit-')
        print(f"    {name:12} {sum(result):4} tests: {passed} passed, "
            f"{failed} failed, {skipped} skipped")
        totals = [t + r for t, r in zip(totals, result)]
    passed, failed, skipped = totals
    if not passed:
        print("No test ran.")
        return 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
