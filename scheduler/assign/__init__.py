"""The second random: officer draw and scheduling of one combined visit per
enterprise (CP-SAT), with an independent plan validator."""
