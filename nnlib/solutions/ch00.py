"""Chapter 00's solutions (left out of a class release)."""

SOLUTIONS = {
    "00.1": "my_x = -2.0",
}
