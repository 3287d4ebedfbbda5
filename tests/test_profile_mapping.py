"""Column mapping (Japanese/English headers, YAML overrides) and lists validation."""

from __future__ import annotations

import pytest

from engine.core.errors import InputError
from engine.leads.lists import Lists, lists_from_data, lists_from_yaml_text, load_lists
from engine.leads.mapping import auto_map, load_mapping
from tests.test_profile import leadset_from_rows


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            "会社名,部署名,役職,姓,名,e-mail,郵便番号,住所,TEL会社,TEL部門,TEL直通,Fax,携帯電話,URL,名刺交換日",
            {
                "company": "会社名",
                "department": "部署名",
                "title": "役職",
                "last_name": "姓",
                "first_name": "名",
                "email": "e-mail",
                "phone": "TEL会社",
                "mobile": "携帯電話",
                "exchange_date": "名刺交換日",
            },
        ),
        (
            "Record ID,First Name,Last Name,Email,Phone Number,Contact owner,Last Activity Date,"
            "Lead Status,Create Date,Associated Company,Company Name,Lifecycle Stage,"
            "Email hard bounce reason",
            {
                "first_name": "First Name",
                "last_name": "Last Name",
                "email": "Email",
                "phone": "Phone Number",
                "last_activity": "Last Activity Date",
                "status": "Lead Status",
                "created": "Create Date",
                "company": "Company Name",
                "lifecycle_stage": "Lifecycle Stage",
                "bounce": "Email hard bounce reason",
            },
        ),
        (
            "名前(名),名前(姓),メールアドレス,企業名,リードのソース,リードのステータス,代表電話",
            {
                "first_name": "名前(名)",
                "last_name": "名前(姓)",
                "email": "メールアドレス",
                "company": "企業名",
                "status": "リードのステータス",
                "phone": "代表電話",
            },
        ),
        (
            "会社名,部署,役職,姓カナ,名カナ,TEL1,携帯番号,email1,メモ,名刺交換日,退職者フラグ,氏名",
            {
                "company": "会社名",
                "department": "部署",
                "title": "役職",
                "phone": "TEL1",
                "mobile": "携帯番号",
                "email": "email1",
                "notes": "メモ",
                "exchange_date": "名刺交換日",
                "retired_flag": "退職者フラグ",
                "full_name": "氏名",
            },
        ),
        (
            "Lead Owner,First Name,Last Name,Title,Company / Account,Email,Phone,Lead Status,"
            "Email Bounced Reason",
            {
                "first_name": "First Name",
                "last_name": "Last Name",
                "title": "Title",
                "company": "Company / Account",
                "email": "Email",
                "phone": "Phone",
                "status": "Lead Status",
                "bounce": "Email Bounced Reason",
            },
        ),
        (
            "姓,名,会社名 / 取引先,メール,リード 状況,ＥＭＡＩＬ ADDRESS",
            {"status": "リード 状況", "company": "会社名 / 取引先", "email": "メール"},
        ),
    ],
)
def test_auto_map_real_export_headers(headers, expected):
    """Test that the headers of Eight, HubSpot, Marketo, Sansan and Salesforce exports map
    to the right fields (NFKC, case and space insensitive)."""
    mapping = auto_map(headers.split(","))
    assert {f: h for f, h in mapping.items() if f in expected} == expected
    assert "Lead Owner" not in mapping.values() and "Contact owner" not in mapping.values()


def test_mapping_yaml_overrides_and_unmaps():
    """Test that a mapping file picks another header, unmaps a field, and adds stages."""
    rows = [
        {
            "E-Mail Address": "a@s.co.jp",
            "Email": "x",
            "Company": "株式会社戦力デモ",
            "Last Name": "A",
        },
        {
            "E-Mail Address": "b@s.co.jp",
            "Email": "y",
            "Company": "株式会社戦力デモ",
            "Last Name": "B",
        },
    ]
    own = Lists().add("own", company="株式会社戦力デモ")
    with leadset_from_rows(rows) as leads:
        assert leads.mapping["email"] == "Email"
        assert leads.profile(own).categories["invalid"] == 2
        leads.set_mapping(load_mapping('email: "e-mail address"\ncompany: null').overrides())
        p = leads.profile(own)
    assert p.columns["email"] == "E-Mail Address" and "company" not in p.columns
    assert p.categories["target"] == 2 and p.categories["internal"] == 0


def test_mapping_file_errors_name_the_problem(tmp_path):
    """Test that unknown fields, headers not in the file, bad stages and bad YAML are
    InputErrors naming what is wrong."""
    with pytest.raises(InputError) as exc:
        load_mapping("emial: Email")
    assert exc.value.code == "profile.mapping.unknown_field"
    assert exc.value.params["field"] == "emial"
    with pytest.raises(InputError) as exc:
        load_mapping("stages: {hot: [ホット]}")
    assert exc.value.code == "profile.mapping.unknown_stage"
    with pytest.raises(InputError) as exc:
        load_mapping("email: [a, b]")
    assert exc.value.code == "profile.mapping.invalid" and exc.value.params["path"] == "email"
    with pytest.raises(InputError) as exc:
        load_mapping("email: !!python/object/apply:os.system [echo hi]")
    assert exc.value.code == "profile.mapping.yaml_invalid"
    with pytest.raises(InputError) as exc:
        load_mapping(tmp_path / "missing.yaml")
    assert exc.value.code == "common.file_not_found"
    rows = [{"Email": "a@s.co.jp", "Last Name": "A"}]
    with pytest.raises(InputError) as exc:
        leadset_from_rows(rows, mapping=load_mapping("email: Mail Address"))
    assert exc.value.code == "profile.mapping.unknown_header"
    assert exc.value.params["header"] == "Mail Address"
    assert "Email" in exc.value.message("en")


def test_no_identifier_column_is_an_input_error():
    """Test that a list with neither an e-mail nor a name column is refused with the
    columns found, and unmapping the only identifier is refused too."""
    with pytest.raises(InputError) as exc:
        leadset_from_rows([{"会社名": "A社", "電話": "03-1234-5678"}])
    assert exc.value.code == "profile.no_identifier"
    assert "会社名" in exc.value.message("ja")
    with leadset_from_rows([{"Email": "a@s.co.jp"}]) as leads, pytest.raises(InputError):
        leads.set_mapping({"email": None})


def test_lists_validation_names_the_path(tmp_path):
    """Test that the lists YAML is validated with errors naming the path, domains are
    normalised, and Lists.add returns a new Lists."""
    lists = load_lists(
        "own: {domains: ['@Senryoku-Demo.co.jp', 'https://www.example.com/about']}\n"
        "icp: {exclude_keywords: [学生]}"
    )
    assert lists.own.domains == ["senryoku-demo.co.jp", "example.com"]
    assert lists.icp.allow_free_mail is False and lists.icp.exclude_keywords == ["学生"]
    for text, path in [
        ("own: {domain: [a.co.jp]}", "own.domain"),
        ("competitors: {domains: [not a domain]}", "competitors.domains"),
        ("icp: {allow_free_mail: maybe}", "icp.allow_free_mail"),
        ("partner: {}", "partner"),
    ]:
        with pytest.raises(InputError) as exc:
            load_lists(text)
        assert exc.value.code == "profile.lists.invalid", text
        assert exc.value.params["path"] == path, text
    with pytest.raises(InputError) as exc:
        load_lists("own: !!python/name:os.system")
    assert exc.value.code == "profile.lists.yaml_invalid"
    f = tmp_path / "lists.yaml"
    f.write_text('partners: {companies: ["Partner Co., Ltd."]}', encoding="utf-8")
    loaded = load_lists(f)
    added = loaded.add("partners", domain="partner.example", company="Partner Co., Ltd.")
    assert added.partners.domains == ["partner.example"]
    assert added.partners.companies == ["Partner Co., Ltd."]
    assert loaded.partners.domains == []


def test_lists_a_user_typed_are_never_read_from_a_path(tmp_path):
    """Test that lists YAML from the app (typed or uploaded) is parsed as text: a line
    naming a file on the server is not read (it is no mapping), invalid YAML names its
    line, empty text is no lists, and parsed form data validates the same way."""
    secret = tmp_path / "lists.yaml"
    secret.write_text("own: {domains: [secret.example]}", encoding="utf-8")
    assert load_lists(str(secret)).own.domains == ["secret.example"]  # the CLI's way
    with pytest.raises(InputError) as exc:
        lists_from_yaml_text(str(secret))
    assert exc.value.code == "profile.lists.not_mapping"
    with pytest.raises(InputError) as exc:
        lists_from_yaml_text("own:\n  domains: [a.example\n")
    assert exc.value.code == "profile.lists.yaml_invalid"
    assert exc.value.params["line"] == 3
    assert lists_from_yaml_text("") == Lists()
    typed = lists_from_yaml_text("partners: {domains: ['@Partner.Example']}")
    assert typed == lists_from_data({"partners": {"domains": ["@Partner.Example"]}})
    assert typed.partners.domains == ["partner.example"]
    with pytest.raises(InputError) as exc:
        lists_from_data({"own": {"domains": ["not a domain"]}})
    assert exc.value.params["path"] == "own.domains"
