# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from .tools import scenario_test_case

CutoverScenarioTestCase = scenario_test_case('scenario_cutover.rst', __file__)
