#!/usr/bin/env python3
"""Cut an OECD SDMX-ML 2.1 structure file down to what a CSV excerpt needs.

usage: trim_structure.py STRUCTURE.xml CODES_EXCERPT.csv > OUT.xml

Works on the pretty-printed lines of the OECD NSI output (one element per line) so the kept lines
are byte-for-byte those of the original. It drops the Dataflows, CategorySchemes,
Categorisations and Constraints sections and every <common:Annotations> block, and keeps in each
codelist only the codes that occur in the excerpt's column of the dimension or attribute bound to
that codelist. Concept schemes and the data structure definition are kept whole.
"""
import csv
import re
import sys

DROP_SECTIONS = {"Dataflows", "CategorySchemes", "Categorisations", "Constraints"}


def codelist_bindings(lines):
    """component id -> codelist id, from the Enumeration refs of the DataStructure's components."""
    bindings, component, in_enumeration = {}, None, False
    for line in lines:
        m = re.search(r"<structure:(?:Dimension|Attribute|TimeDimension|PrimaryMeasure) id=\"([^\"]+)\"", line)
        if m:
            component = m.group(1)
        if "<structure:Enumeration>" in line:
            in_enumeration = True
        elif "</structure:Enumeration>" in line:
            in_enumeration = False
        m = re.search(r"<Ref id=\"([^\"]+)\"[^>]*class=\"Codelist\"", line)
        if m and component and in_enumeration:
            bindings[component] = m.group(1)
    return bindings


def main():
    xml_path, csv_path = sys.argv[1], sys.argv[2]
    with open(xml_path, encoding="utf-8", newline="") as f:
        lines = f.readlines()
    ds_start = next(i for i, l in enumerate(lines) if "<structure:DataStructures>" in l)
    bindings = codelist_bindings(lines[ds_start:])
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    used = {}
    for column, codelist in bindings.items():
        if column in header:
            i = header.index(column)
            used.setdefault(codelist, set()).update(r[i] for r in data)

    out, skip_until, codelist = [], None, None
    for line in lines:
        if skip_until is not None:
            if line.startswith(skip_until):
                skip_until = None
            continue
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        m = re.match(r"<structure:(\w+)>\s*$", stripped)
        if m and m.group(1) in DROP_SECTIONS:
            skip_until = f"{indent}</structure:{m.group(1)}>"
            continue
        if stripped.startswith("<common:Annotations>"):
            skip_until = f"{indent}</common:Annotations>"
            continue
        m = re.match(r"<structure:Codelist id=\"([^\"]+)\"", stripped)
        if m:
            codelist = m.group(1)
            if codelist not in used:
                skip_until = f"{indent}</structure:Codelist>"
                continue
        m = re.match(r"<structure:Code id=\"([^\"]+)\"", stripped)
        if m and codelist and m.group(1) not in used.get(codelist, set()):
            skip_until = f"{indent}</structure:Code>"
            continue
        out.append(line)
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
