"""The SCORM package as files: a valid manifest, nothing missing or stray, standalone pages."""

import io
import posixpath
import re
import zipfile
from html import escape
from pathlib import Path

import pytest
from lxml import etree, html

from app.content.models import LOCALES, Course, Module, Option
from app.export import scorm
from app.export.scorm import (
    SCHEMAS,
    SCORM_STANDARDS,
    SchemasMissing,
    scorm_filename,
    stylesheet_files,
    ui_text,
    write_scorm_package,
)
from tests.export.conftest import FIXTURE_CONTENT, MakePackage

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
ADLCP = {
    "1.2": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "2004": "http://www.adlnet.org/xsd/adlcp_v1p3",
}
IMSSS = "{http://www.imsglobal.org/xsd/imsss}"
CP_NAMESPACE = {
    "1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
}
# An external parameter entity in a DTD: <!ENTITY % name PUBLIC 'id' 'file.dtd'>
DTD_ENTITY = re.compile(r"""<!ENTITY\s+%\s+\S+\s+(?:PUBLIC\s+(["']).*?\1|SYSTEM)\s+(["'])(.+?)\2""")
PACKAGES = [(standard, locale) for standard in SCORM_STANDARDS for locale in LOCALES]
SCRIPTS = ["shared/js/leda-sha256.js", "shared/js/leda-scorm.js"]


def official_schemas(standard: str) -> Path:
    """The control documents kept in the repository (tests/test_vendored.py ties them to npm)."""
    return SCHEMAS / standard


def schema_errors(manifest: bytes, schemas: Path) -> list[str]:
    """Validate as an LMS would: each namespace in xsi:schemaLocation against its schema file.

    The files come from disk only: lxml's parser never goes to the network, and every import
    in the official schemas names a file that sits beside it.
    """
    document = etree.fromstring(manifest)
    pairs = document.get(f"{{{XSI}}}schemaLocation").split()
    imports = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for namespace, location in zip(pairs[::2], pairs[1::2], strict=True):
        etree.SubElement(
            imports,
            f"{{{XS}}}import",
            namespace=namespace,
            schemaLocation=(schemas / location).as_uri(),
        )
    schema = etree.XMLSchema(imports)
    if schema.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in schema.error_log]


def manifest_of(package: zipfile.ZipFile) -> etree._Element:
    return etree.fromstring(package.read("imsmanifest.xml"))


def cp(standard: str, path: str) -> str:
    """An XPath in the content packaging namespace: 'a/b' -> '{ns}a/{ns}b'."""
    return "/".join(f"{{{CP_NAMESPACE[standard]}}}{step}" for step in path.split("/"))


def schema_references(name: str, data: bytes) -> list[str]:
    """The files one control document needs: imports and includes, its DTD, a DTD's entities."""
    if name.endswith(".dtd"):
        return [match[2] for match in DTD_ENTITY.findall(data.decode("utf-8"))]
    # recover: ims_xml.xsd (SCORM 1.2) declares the xml namespace as its default, which
    # libxml2 only accepts while loading schemas.
    document = etree.parse(io.BytesIO(data), etree.XMLParser(recover=True))
    found = [
        element.get("schemaLocation")
        for element in document.iter(f"{{{XS}}}import", f"{{{XS}}}include", f"{{{XS}}}redefine")
    ]
    return found + ([document.docinfo.system_url] if document.docinfo.system_url else [])


def schema_closure(package: zipfile.ZipFile) -> set[str]:
    """The control documents the manifest names, and what they need in turn."""
    pairs = manifest_of(package).get(f"{{{XSI}}}schemaLocation").split()
    pending, found = list(pairs[1::2]), set()
    while pending:
        name = pending.pop()
        if name not in found:
            found.add(name)
            pending += schema_references(name, package.read(name))
    return found


# --- the manifest ------------------------------------------------------------------------


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_manifest_is_valid_against_the_official_schemas(
    make_package: MakePackage, standard: str, locale: str
) -> None:
    package = make_package(standard, locale)

    assert schema_errors(package.read("imsmanifest.xml"), official_schemas(standard)) == []


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_package_ships_the_official_control_documents_unchanged(
    make_package: MakePackage, standard: str
) -> None:
    package = make_package(standard, "nb")
    shipped = schema_closure(package)

    assert shipped == set(SCORM_STANDARDS[standard].schema_files)
    for name in shipped:
        assert package.read(name) == (official_schemas(standard) / name).read_bytes(), name


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_the_validation_rejects_a_broken_manifest(make_package: MakePackage, standard: str) -> None:
    manifest = make_package(standard, "nb").read("imsmanifest.xml").decode()
    broken = manifest.replace('type="webcontent"', 'type="webcontent" scormtype="sco"', 1)

    assert schema_errors(broken.encode(), official_schemas(standard)) != []


def sco_resources(manifest: etree._Element, standard: str) -> list[tuple[str, str]]:
    adlcp = f"{{{ADLCP[standard]}}}"
    attribute = "scormtype" if standard == "1.2" else "scormType"
    return [
        (resource.get("identifier"), resource.get("href"))
        for resource in manifest.iter(cp(standard, "resource"))
        if resource.get(f"{adlcp}{attribute}") == "sco"
    ]


def items(manifest: etree._Element, standard: str) -> list[tuple[str, str]]:
    organization = manifest.find(cp(standard, "organizations/organization"))
    return [
        (item.get("identifierref"), item.findtext(cp(standard, "title")))
        for item in organization.findall(cp(standard, "item"))
    ]


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_the_course_is_one_sco_titled_as_the_course(
    make_package: MakePackage, two_module_course: Course, standard: str, locale: str
) -> None:
    manifest = manifest_of(make_package(standard, locale, two_module_course))
    organization = manifest.find(cp(standard, "organizations/organization"))

    assert organization.findtext(cp(standard, "title")) == two_module_course.title[locale]
    assert items(manifest, standard) == [("RES-sco", two_module_course.title[locale])]
    assert sco_resources(manifest, standard) == [("RES-sco", "index.html")]
    assert manifest.get("identifier") == f"leda-test-course-v1-{locale}"


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_a_module_package_is_one_sco_titled_as_the_module(
    make_package: MakePackage, two_module_course: Course, standard: str, locale: str
) -> None:
    manifest = manifest_of(make_package(standard, locale, two_module_course, "next-steps"))
    module = two_module_course.modules[1]

    assert items(manifest, standard) == [("RES-sco", module.title[locale])]
    assert sco_resources(manifest, standard) == [("RES-sco", "index.html")]
    assert manifest.get("identifier") == f"leda-test-course-next-steps-v1-{locale}"
    assert schema_errors(etree.tostring(manifest), official_schemas(standard)) == []


@pytest.mark.parametrize("module", [None, "first-steps"])
def test_scorm_12_names_no_mastery_score(make_package: MakePackage, module: str | None) -> None:
    """An LMS would set lesson_status from score.raw against it on LMSFinish, overriding the
    rule that every lesson must be seen too; the page applies the pass marks instead."""
    manifest = manifest_of(make_package("1.2", "nb", module=module))

    assert list(manifest.iter(f"{{{ADLCP['1.2']}}}masteryscore")) == []
    assert manifest.findtext(cp("1.2", "metadata/schemaversion")) == "1.2"


def test_scorm_2004_module_package_has_the_pass_mark_as_its_passing_score(
    make_package: MakePackage,
) -> None:
    manifest = manifest_of(make_package("2004", "nb", module="first-steps"))
    sequencing = manifest.find(f"{cp('2004', 'organizations/organization/item')}/{IMSSS}sequencing")
    objective = sequencing.find(f"{IMSSS}objectives/{IMSSS}primaryObjective")

    assert (objective.get("objectiveID"), objective.get("satisfiedByMeasure")) == (
        "first_steps",
        "true",
    )
    assert objective.findtext(f"{IMSSS}minNormalizedMeasure") == "0.80"
    assert sequencing.find(f"{IMSSS}deliveryControls").attrib == {
        "completionSetByContent": "true",
        "objectiveSetByContent": "true",
    }
    assert manifest.findtext(cp("2004", "metadata/schemaversion")) == "2004 4th Edition"


def test_scorm_2004_course_package_has_no_single_passing_score(
    make_package: MakePackage, two_module_course: Course
) -> None:
    """Each module has its own pass mark; no one measure of the rolled-up score stands for them."""
    manifest = manifest_of(make_package("2004", "nb", two_module_course))
    sequencing = manifest.find(f"{cp('2004', 'organizations/organization/item')}/{IMSSS}sequencing")

    assert [child.tag for child in sequencing] == [f"{IMSSS}deliveryControls"]


# --- the files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_every_referenced_file_exists_and_every_file_is_referenced(
    make_package: MakePackage, standard: str, locale: str
) -> None:
    package = make_package(standard, locale)
    manifest = manifest_of(package)
    names = set(package.namelist())
    resources = {r.get("identifier"): r for r in manifest.iter(cp(standard, "resource"))}
    files_of = {
        identifier: {f.get("href") for f in resource.findall(cp(standard, "file"))}
        for identifier, resource in resources.items()
    }
    listed = set().union(*files_of.values())

    assert listed <= names
    for item in manifest.iter(cp(standard, "item")):
        assert item.get("identifierref") in resources
    for identifier, resource in resources.items():
        if resource.get("href"):
            assert resource.get("href") in files_of[identifier]
        for dependency in resource.findall(cp(standard, "dependency")):
            assert dependency.get("identifierref") in resources
    assert names == listed | schema_closure(package) | {"imsmanifest.xml"}


@pytest.mark.parametrize("standard", SCORM_STANDARDS)
def test_each_sco_page_uses_only_files_its_resource_declares(
    make_package: MakePackage, standard: str
) -> None:
    package = make_package(standard, "nb")
    manifest = manifest_of(package)
    resources = {r.get("identifier"): r for r in manifest.iter(cp(standard, "resource"))}
    for resource in resources.values():
        if not resource.get("href", "").endswith(".html"):
            continue
        declared = {f.get("href") for f in resource.findall(cp(standard, "file"))}
        for dependency in resource.findall(cp(standard, "dependency")):
            declared |= {
                f.get("href")
                for f in resources[dependency.get("identifierref")].findall(cp(standard, "file"))
            }
        page = html.fromstring(package.read(resource.get("href")))
        folder = posixpath.dirname(resource.get("href"))
        used = {
            posixpath.normpath(posixpath.join(folder, value))
            for _element, _attribute, value, _position in page.iterlinks()
            if not value.startswith(("#", "data:"))
        }

        assert used
        assert used <= declared


def test_the_zip_is_deterministic(course: Course) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_scorm_package(course, "2004", "sv", first)
    write_scorm_package(course, "2004", "sv", second)
    package = zipfile.ZipFile(first)

    assert first.getvalue() == second.getvalue()
    assert package.namelist()[0] == "imsmanifest.xml"
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert package.testzip() is None


def test_a_locale_the_course_lacks_is_refused(course: Course) -> None:
    norwegian_only = course.model_copy(update={"locales": ["nb"]})

    with pytest.raises(ValueError, match="no sv text"):
        write_scorm_package(norwegian_only, "1.2", "sv", io.BytesIO())


def test_an_unknown_standard_is_refused(course: Course) -> None:
    with pytest.raises(KeyError):
        write_scorm_package(course, "1.3", "nb", io.BytesIO())


def test_without_the_schemas_nothing_is_written(
    course: Course, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(scorm, "SCHEMAS", tmp_path)
    out = io.BytesIO()

    with pytest.raises(SchemasMissing, match="run `npm ci`"):
        write_scorm_package(course, "1.2", "nb", out)
    assert out.getvalue() == b""


def test_a_module_the_course_lacks_is_refused(course: Course) -> None:
    out = io.BytesIO()

    with pytest.raises(ValueError, match="no module self-care; its modules are first-steps"):
        write_scorm_package(course, "2004", "nb", out, "self-care")
    assert out.getvalue() == b""


def test_filename_names_course_or_module_version_standard_and_locale(course: Course) -> None:
    assert scorm_filename(course, "1.2", "nb") == "test-course-v1-scorm12-nb.zip"
    assert scorm_filename(course, "2004", "en") == "test-course-v1-scorm2004-en.zip"
    assert scorm_filename(course, "1.2", "sv", "first-steps") == (
        "test-course-first-steps-v3-scorm12-sv.zip"
    )


def test_stylesheet_brings_its_fonts_and_refuses_the_network(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "body.woff2").write_bytes(b"font")
    (tmp_path / "css" / "app.css").write_text(
        '@font-face { src: url("../fonts/body.woff2") format("woff2"); }\n'
        "a { background: url(data:image/png;base64,AAAA); }\n",
        encoding="utf-8",
    )

    assert stylesheet_files(tmp_path, "css/app.css") == {
        "shared/css/app.css": (tmp_path / "css" / "app.css").read_bytes(),
        "shared/fonts/body.woff2": b"font",
    }

    (tmp_path / "css" / "app.css").write_text(
        "@import 'https://fonts.example.com/x.css';", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="stays offline"):
        stylesheet_files(tmp_path, "css/app.css")


# --- the pages ---------------------------------------------------------------------------


def check_page_basics(page: html.HtmlElement, standard: str, locale: str) -> None:
    assert page.get("lang") == locale
    assert page.find(".//meta[@name='viewport']") is not None
    assert [s.get("src") for s in page.iter("script")] == SCRIPTS
    assert list(page.iter("style")) == []
    for element in page.iter():
        assert not [a for a in element.attrib if a == "style" or a.startswith("on")], element
    labels = {label.get("for") for label in page.iter("label")}
    assert all(i.get("id") in labels for i in page.iter("input"))
    assert page.get_element_by_id("scorm-notice").text_content() == ui_text("not_recorded", locale)
    assert page.get_element_by_id("scorm-review").text_content() == ui_text("review", locale)
    assert page.get_element_by_id("main").get("data-scorm") == standard


def legends(page: html.HtmlElement, module: Module, locale: str) -> tuple[list[str], list[str]]:
    """The quiz's question legends as the page has them, and as they should be: every variant,
    pool by pool, numbered by its pool (the runtime shows one of each)."""
    fieldsets = page.get_element_by_id(f"{module.id}_quiz").findall(".//form//fieldset")
    return [f.find("legend").text_content() for f in fieldsets], [
        f"{n}. {q.prompt[locale]} {ui_text('choose_all', locale)}"
        if q.type == "multiple"
        else f"{n}. {q.prompt[locale]}"
        for n, pool in enumerate(module.pools, 1)
        for q in pool
    ]


def questions_shown_without_script(page: html.HtmlElement, module: Module) -> list[str]:
    quiz = page.get_element_by_id(f"{module.id}_quiz")
    return [q.get("data-question") for q in quiz.find_class("question") if q.get("hidden") is None]


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_the_course_page_has_a_menu_and_every_module_below_it(
    make_package: MakePackage, two_module_course: Course, standard: str, locale: str
) -> None:
    page = html.fromstring(make_package(standard, locale, two_module_course).read("index.html"))
    modules = two_module_course.modules

    check_page_basics(page, standard, locale)
    assert page.get_element_by_id("main").get("data-package") == "course"
    assert [h1.text_content() for h1 in page.iter("h1")] == [two_module_course.title[locale]]
    menu = page.get_element_by_id("menu")
    assert [(a.get("href"), a.text_content()) for a in menu.iter("a")] == [
        ("#first-steps_overview", modules[0].title[locale]),
        ("#next-steps_overview", modules[1].title[locale]),
    ]
    assert [h2.text_content() for h2 in page.iter("h2")] == [
        ui_text("modules", locale),
        modules[0].title[locale],
        modules[1].title[locale],
    ]
    assert [
        (section.get("id"), section.get("data-module-version"), section.get("data-pass-mark"))
        for section in page.find_class("scorm-module")
    ] == [("first-steps", "3", "80"), ("next-steps", "1", "50")]
    for module in modules:
        found, expected = legends(page, module, locale)
        assert found == expected
        status = page.get_element_by_id(f"{module.id}_quiz").find_class("scorm-status")
        assert [region.get("role") for region in status] == ["status"]
        # Read without JavaScript, the quiz shows the first variant of each pool.
        assert questions_shown_without_script(page, module) == [p[0].id for p in module.pools]
    assert len(list(page.iter("input"))) == sum(
        len(q.options) for m in modules for q in m.questions
    )
    assert sorted(view.get("id") for view in page.find_class("scorm-view")) == sorted(
        ["menu"]
        + [f"{m.id}_{view}" for m in modules for view in ("overview", "quiz")]
        + [f"{m.id}_lesson_{lesson.id}" for m in modules for lesson in m.lessons]
    )


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_a_module_page_has_the_module_alone(
    make_package: MakePackage, two_module_course: Course, standard: str, locale: str
) -> None:
    package = make_package(standard, locale, two_module_course, "next-steps")
    page = html.fromstring(package.read("index.html"))
    module = two_module_course.modules[1]

    check_page_basics(page, standard, locale)
    assert page.get_element_by_id("main").get("data-package") == "module"
    assert [h1.text_content() for h1 in page.iter("h1")] == [module.title[locale]]
    assert page.find(".//*[@id='menu']") is None
    assert [section.get("id") for section in page.find_class("scorm-module")] == ["next-steps"]
    found, expected = legends(page, module, locale)
    assert found == expected


@pytest.mark.parametrize(
    ("module", "title", "body"), [(None, "h3", "h4"), ("first-steps", "h2", "h3")]
)
def test_lesson_headings_sit_below_the_lesson_title_and_raw_html_stays_text(
    make_package: MakePackage, module: str | None, title: str, body: str
) -> None:
    page = html.fromstring(make_package("1.2", "en", module=module).read("index.html"))
    lesson = page.get_element_by_id("first-steps_lesson_welcome")

    assert [h.text_content() for h in lesson.iter(title)] == ["Welcome"]
    assert lesson.find(f".//div[@class='lesson-body']/{body}").text_content() == "Welcome (en)"
    assert "<script>alert(1)</script>" in lesson.text_content()
    assert [s.get("src") for s in page.iter("script")] == SCRIPTS


def test_package_words_come_from_the_catalogs_in_the_packages_locale() -> None:
    assert [ui_text("passed", locale) for locale in LOCALES] == ["Bestått.", "Godkänd.", "Passed."]
    assert ui_text("score", "sv", pass_mark=80) == (
        "Du fick {raw} av {max} poäng ({percent} %). Gränsen för godkänt är 80 %."
    )


# --- no readable answer key --------------------------------------------------------------

KEY_CASES = [
    pytest.param(of, standard, locale, module, id=f"{of}-{standard}-{locale}-{module or 'course'}")
    for of in ("test", "real")
    for standard in SCORM_STANDARDS
    for locale in LOCALES
    for module in (None, "first-steps" if of == "test" else "self-care")
]
# A word that would give the key away, next to an option id, either way round ("true" is
# no such word: it is the id of an option of every true/false question).
KEY_WORDS = r"correct|right|key|answer"


def package_for_key_check(
    make_package: MakePackage,
    course: Course,
    real_course: Course,
    of: str,
    standard: str,
    locale: str,
    module: str | None,
) -> tuple[zipfile.ZipFile, list[Module]]:
    chosen = course if of == "test" else real_course
    modules = chosen.modules if module is None else [chosen.module(module)]
    return make_package(standard, locale, chosen, module), modules


def own_files(package: zipfile.ZipFile) -> dict[str, str]:
    """The package's files but the official control documents, as text."""
    return {
        name: package.read(name).decode("utf-8")
        for name in package.namelist()
        if not name.endswith((".xsd", ".dtd"))
    }


@pytest.mark.parametrize(("of", "standard", "locale", "module"), KEY_CASES)
def test_no_file_of_the_package_holds_a_readable_answer_key(
    make_package: MakePackage,
    course: Course,
    real_course: Course,
    of: str,
    standard: str,
    locale: str,
    module: str | None,
) -> None:
    package, modules = package_for_key_check(
        make_package, course, real_course, of, standard, locale, module
    )
    files = own_files(package)
    correct_ids = "|".join(
        sorted({re.escape(i) for m in modules for q in m.questions for i in q.correct_ids})
    )
    near_a_key_word = re.compile(
        rf"(?:{KEY_WORDS})\W{{0,3}}(?:{correct_ids})\b|\b(?:{correct_ids})\W{{0,3}}(?:{KEY_WORDS})",
        re.IGNORECASE,
    )

    figures = {
        f"figures/{m.id}/{file}" for m in modules for file in m.figures if f".{locale}." in file
    }
    assert figures == ({f"figures/first-steps/steps.{locale}.svg"} if of == "test" else figures)
    assert set(files) == {
        "imsmanifest.xml",
        "index.html",
        "shared/css/leda.css",
        "shared/css/leda-scorm.css",
        "shared/js/leda-scorm.js",
        "shared/js/leda-sha256.js",
        *figures,
    }
    for name, text in files.items():
        assert "data-correct" not in text, name
        assert not re.search(r"""["']?correct["']?\s*:\s*(true|1\b|\[)""", text), name
        for m in modules:
            for question in m.questions:
                for option in question.options:
                    # The feedback says whether the option is right: sealed, never in the clear.
                    feedback = option.feedback[locale]
                    assert feedback not in text and escape(feedback) not in text, (name, feedback)
        assert near_a_key_word.search(text) is None, name


def option_shape(item: html.HtmlElement, option: Option, locale: str) -> str:
    """An option's HTML with its id, its text and its sealed record taken out."""
    markup = html.tostring(item, encoding="unicode", with_tail=False)
    markup = markup.replace(escape(option.text[locale], quote=False), "TEXT")
    markup = re.sub(rf'(?<=[_"]){re.escape(option.id)}(?=")', "ID", markup)
    return re.sub(r'data-feedback="[^"]*"', 'data-feedback="SEALED"', markup)


@pytest.mark.parametrize(("of", "standard", "locale", "module"), KEY_CASES)
def test_the_page_does_not_tell_the_right_option_from_the_others(
    make_package: MakePackage,
    course: Course,
    real_course: Course,
    of: str,
    standard: str,
    locale: str,
    module: str | None,
) -> None:
    """Per question, every option's markup is the same but for its id and text; the sealed
    records are of one length; the options stand in the order of their ids, not as authored
    (where the right one tends to come first). Per question the key is one hash, no two alike."""
    package, modules = package_for_key_check(
        make_package, course, real_course, of, standard, locale, module
    )
    page = html.fromstring(package.read("index.html"))
    keys = []
    for m in modules:
        elements = page.get_element_by_id(f"{m.id}_quiz").find_class("question")
        assert [e.get("data-question") for e in elements] == [q.id for p in m.pools for q in p]
        for element in elements:
            question = m.question(element.get("data-question"))
            choices = element.findall("fieldset/ul/li")
            feedback = element.find_class("feedback-list")[0].findall("li")
            ids = [choice.find("input").get("value") for choice in choices]
            sealed = [item.get("data-feedback") for item in feedback]

            assert ids == (
                ["true", "false"]
                if question.type == "true_false"
                else sorted(o.id for o in question.options)
            )
            assert [item.get("data-option") for item in feedback] == ids
            for items in (choices, feedback):
                shapes = {
                    option_shape(item, question.option(option_id), locale)
                    for item, option_id in zip(items, ids, strict=True)
                }
                assert len(shapes) == 1, shapes
            assert len({len(record) for record in sealed}) == 1, sealed
            assert len(set(sealed)) == len(sealed)
            assert re.fullmatch(r"[0-9a-f]{64}", element.get("data-key"))
            keys.append(element.get("data-key"))
    assert len(set(keys)) == len(keys)


def test_each_package_has_a_salt_of_its_own(make_package: MakePackage) -> None:
    """A hash from one package says nothing about another; the same package, the same bytes."""
    salts = {
        html.fromstring(make_package(standard, locale, module=module).read("index.html"))
        .get_element_by_id("main")
        .get("data-salt")
        for standard, locale in PACKAGES
        for module in (None, "first-steps")
    }

    assert len(salts) == len(PACKAGES) * 2
    assert all(re.fullmatch(r"[0-9a-f]{32}", salt) for salt in salts)


# --- the real course -----------------------------------------------------------


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_the_real_course_exports_valid_packages(
    make_package: MakePackage, real_course: Course, standard: str, locale: str
) -> None:
    for module in [None, *(m.id for m in real_course.modules)]:
        package = make_package(standard, locale, real_course, module)
        page = html.fromstring(package.read("index.html"))

        assert schema_errors(package.read("imsmanifest.xml"), official_schemas(standard)) == []
        assert [section.get("id") for section in page.find_class("scorm-module")] == (
            [m.id for m in real_course.modules] if module is None else [module]
        )


FIGURE_ALT = {
    "nb": "Tre trappetrinn som stiger mot høyre (nb)",
    "sv": "Tre trappsteg som stiger åt höger (sv)",
    "en": "Three stairs rising to the right (en)",
}


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_a_figure_is_in_the_package_in_its_locale_listed_and_linked_relatively(
    make_package: MakePackage, standard: str, locale: str
) -> None:
    package = make_package(standard, locale)
    drawing = f"figures/first-steps/steps.{locale}.svg"
    source = FIXTURE_CONTENT / "modules/first-steps" / f"figures/steps.{locale}.svg"

    assert [n for n in package.namelist() if n.startswith("figures/")] == [drawing]
    assert package.read(drawing) == source.read_bytes()
    listed = {f.get("href") for f in manifest_of(package).iter(cp(standard, "file"))}
    assert drawing in listed
    lesson = html.fromstring(package.read("index.html")).get_element_by_id(
        "first-steps_lesson_welcome"
    )
    [figure] = lesson.find_class("lesson-figure")
    [image] = figure.iter("img")
    assert (image.get("src"), image.get("alt")) == (drawing, FIGURE_ALT[locale])


@pytest.mark.parametrize(("standard", "locale"), PACKAGES)
def test_a_lesson_with_a_check_is_in_the_package_whole(
    make_package: MakePackage, course: Course, standard: str, locale: str
) -> None:
    """A package has no practice checks; it shows the whole scene, before and after the check."""
    page = make_package(standard, locale, course).read("index.html").decode()
    assert f"<p>Practice lesson body in {locale}.</p>" in page
    assert f"<p>After the check in {locale}.</p>" in page
