"""The HCL source on fixtures written for it: inputs, variables, locals, modules, unknowns."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, run_cli

from kms_infracost import model
from kms_infracost.errors import UserError
from kms_infracost.model import Warning
from kms_infracost.sources.hcl import load_hcl

HCL = REPO / "fixtures" / "hcl"


def keys(path: Path | str, **kwargs: Any) -> dict[str, model.Resource]:
    kwargs.setdefault("env", {})
    inventory = load_hcl([str(path)], **kwargs)
    return {r.address: r for r in inventory.resources}


def key(path: Path | str, address: str, **kwargs: Any) -> model.KmsKey:
    found = keys(path, **kwargs)[address]
    assert isinstance(found, model.KmsKey)
    return found


# -- variables ---------------------------------------------------------------------------------------


def test_auto_tfvars_are_read_in_lexical_order_after_terraform_tfvars() -> None:
    found = keys(HCL / "tfvars_precedence")
    assert list(found) == ["alicloud_kms_key.main[0]"]
    k = found["alicloud_kms_key.main[0]"]
    assert isinstance(k, model.KmsKey)
    # b.auto.tfvars.json beats a.auto.tfvars beats terraform.tfvars beats the default
    assert k.region == "ap-southeast-1"
    assert k.key_spec == "EC_P256"  # a.auto.tfvars over terraform.tfvars
    assert k.protection_level == "HSM"  # terraform.tfvars over the default
    assert k.status == "Enabled"  # the default


def test_tf_var_environment_is_the_lowest_precedence() -> None:
    env = {"TF_VAR_status": "Disabled", "TF_VAR_region": "us-east-1", "TF_VAR_replicas": "2"}
    found = keys(HCL / "tfvars_precedence", env=env)
    assert sorted(found) == ["alicloud_kms_key.main[0]", "alicloud_kms_key.main[1]"]
    k = found["alicloud_kms_key.main[1]"]
    assert isinstance(k, model.KmsKey)
    assert (k.status, k.region) == ("Disabled", "ap-southeast-1")


def test_tf_var_from_the_process_environment_reaches_every_root_of_a_run(tmp_path: Path) -> None:
    """os.environ's TF_VAR_ names are looked for once a run; each root still gets them."""
    for name in ("a", "b"):
        shutil.copytree(HCL / "tfvars_precedence", tmp_path / name)
    result = run_cli("breakdown", str(tmp_path), "--format", "json", env={"TF_VAR_replicas": "2", "TF_VAR_status": "Disabled"})
    assert result.code == 0, result.stderr
    found = {(Path(r["project"]).name, r["address"]): r["status"] for r in result.json()["resources"] if "main[" in r["address"]}
    assert found == {(root, f"alicloud_kms_key.main[{i}]"): "Disabled" for root in ("a", "b") for i in (0, 1)}


def test_var_file_beats_auto_tfvars_and_var_beats_var_file() -> None:
    extra = str(HCL / "tfvars_precedence" / "extra.tfvars")
    found = keys(HCL / "tfvars_precedence", var_files=[extra])
    assert found["alicloud_kms_key.main[0]"].region == "eu-central-1"
    assert sorted(a for a in found if "team" in a) == [
        'alicloud_kms_key.team["billing"]',
        'alicloud_kms_key.team["search"]',
    ]
    found = keys(HCL / "tfvars_precedence", var_files=[extra], variables=["region=me-east-1", "replicas=3"])
    assert found["alicloud_kms_key.main[2]"].region == "me-east-1"


def test_var_with_a_list_type_is_parsed_as_hcl() -> None:
    found = keys(HCL / "tfvars_precedence", variables=['teams=["ops"]'])
    assert 'alicloud_kms_key.team["ops"]' in found


def test_a_tfvars_file_named_like_pre_commit_does_applies_to_its_root() -> None:
    folder = HCL / "tfvars_precedence"
    inventory = load_hcl([str(folder / "main.tf"), str(folder / "extra.tfvars")], env={})
    assert {r.address: r.region for r in inventory.resources}["alicloud_kms_key.main[0]"] == "eu-central-1"


def test_var_with_a_value_that_does_not_fit_the_type_is_an_error() -> None:
    with pytest.raises(UserError) as err:
        load_hcl([str(HCL / "tfvars_precedence")], variables=["replicas=many"], env={})
    assert "var.replicas" in err.value.message
    assert err.value.file is not None and err.value.file.endswith("main.tf")
    assert err.value.line == 28


def test_var_without_equals_is_an_error() -> None:
    with pytest.raises(UserError, match="NAME=VALUE"):
        load_hcl([str(HCL / "tfvars_precedence")], variables=["region"], env={})


def test_missing_var_file_is_an_error() -> None:
    with pytest.raises(UserError, match="no such file"):
        load_hcl([str(HCL / "tfvars_precedence")], var_files=["nope.tfvars"], env={})


# -- locals ------------------------------------------------------------------------------------------


def test_locals_are_computed_in_dependency_order() -> None:
    k = key(HCL / "locals_order", "alicloud_kms_key.app")
    assert k.region == "cn-hangzhou"
    assert k.tags == {"Team": "core", "Env": "prod"}


def test_locals_in_a_cycle_are_an_error_naming_the_cycle() -> None:
    with pytest.raises(UserError) as err:
        load_hcl([str(HCL / "locals_cycle")], env={})
    assert "local.first -> local.second -> local.third -> local.first" in err.value.message
    assert err.value.file == str(HCL / "locals_cycle" / "main.tf")
    assert err.value.line == 3


def test_locals_cycle_exits_2_with_one_line() -> None:
    result = run_cli("check", str(HCL / "locals_cycle"))
    assert result.code == 2
    assert result.stderr.count("\n") == 1
    assert f"{HCL / 'locals_cycle' / 'main.tf'}:3: locals refer to each other in a cycle" in result.stderr


# -- modules and providers ---------------------------------------------------------------------------


def test_module_for_each_and_count_with_providers_maps() -> None:
    found = keys(HCL / "module_for_each")
    regions = {a: r.region for a, r in found.items()}
    assert regions == {
        'module.tenant["acme"].alicloud_kms_key.this': "ap-southeast-1",
        'module.tenant["acme"].alicloud_kms_key.home': "cn-hangzhou",
        'module.tenant["acme"].module.purpose["audit"].alicloud_kms_key.signing': "ap-southeast-1",
        'module.tenant["acme"].module.purpose["audit"].alicloud_kms_alias.signing': "ap-southeast-1",
        'module.tenant["acme"].module.purpose["billing"].alicloud_kms_key.signing': "ap-southeast-1",
        'module.tenant["acme"].module.purpose["billing"].alicloud_kms_alias.signing': "ap-southeast-1",
        'module.tenant["globex"].alicloud_kms_key.this': "ap-southeast-1",
        'module.tenant["globex"].alicloud_kms_key.home': "cn-hangzhou",
        "module.shared[0].alicloud_kms_key.this": "cn-beijing",
        "module.shared[0].alicloud_kms_key.home": "cn-hangzhou",
        "module.shared[1].alicloud_kms_key.this": "cn-beijing",
        "module.shared[1].alicloud_kms_key.home": "cn-hangzhou",
    }
    acme = found['module.tenant["acme"].alicloud_kms_key.this']
    globex = found['module.tenant["globex"].alicloud_kms_key.this']
    assert isinstance(acme, model.KmsKey) and isinstance(globex, model.KmsKey)
    assert (acme.protection_level, globex.protection_level) == ("HSM", "SOFTWARE")
    alias = found['module.tenant["acme"].module.purpose["audit"].alicloud_kms_alias.signing']
    assert isinstance(alias, model.KmsAlias)
    assert alias.key_address == 'module.tenant["acme"].module.purpose["audit"].alicloud_kms_key.signing'
    assert alias.alias_name == "alias/acme-audit"
    assert acme.file == str(HCL / "module_for_each" / "modules" / "tenant" / "main.tf")
    assert acme.line == 24


def test_provider_region_from_a_variable_set_on_the_command_line() -> None:
    found = keys(HCL / "module_for_each", variables=["overseas_region=eu-central-1"])
    assert found['module.tenant["acme"].alicloud_kms_key.this'].region == "eu-central-1"


def test_module_not_installed_is_a_warning_naming_terraform_init() -> None:
    inventory = load_hcl([str(HCL / "module_not_installed")], env={})
    assert [r.address for r in inventory.resources] == ["alicloud_kms_key.local"]
    assert inventory.warnings == [
        Warning(
            "KI201",
            "run `terraform init`: module 'terraform-alicloud-modules/kms/alicloud' is not installed, "
            "so KMS resources it declares are not priced",
            "module.kms", str(HCL / "module_not_installed" / "main.tf"), 5,
        )
    ]


def test_module_not_installed_exits_0_with_the_warning_on_stderr() -> None:
    result = run_cli("check", str(HCL / "module_not_installed"), "--format", "json")
    assert result.code == 0
    assert "run `terraform init`" in result.stderr


def _installed_copy(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(HCL / "registry_module", root, ignore=shutil.ignore_patterns("installed_kms"))
    modules = root / ".terraform" / "modules"
    shutil.copytree(HCL / "registry_module" / "installed_kms", modules / "kms")
    (modules / "modules.json").write_text(
        json.dumps(
            {
                "Modules": [
                    {"Key": "", "Source": "", "Dir": "."},
                    {"Key": "kms", "Source": "registry.terraform.io/alibaba/kms/alicloud", "Version": "1.0.0",
                     "Dir": ".terraform/modules/kms"},
                ]
            }
        ),
        encoding="utf-8",
    )
    return root


def test_registry_module_installed_by_terraform_init_is_read(tmp_path: Path) -> None:
    root = _installed_copy(tmp_path)
    inventory = load_hcl([str(root)], env={})
    assert inventory.warnings == []
    assert [(r.address, r.region, r.protection_level, r.file) for r in inventory.resources] == [  # type: ignore[attr-defined]
        (f"module.kms.alicloud_kms_key.this[{i}]", "ap-southeast-1", "HSM",
         str(root / ".terraform" / "modules" / "kms" / "main.tf"))
        for i in range(2)
    ]


def test_registry_module_without_init_is_a_warning() -> None:
    inventory = load_hcl([str(HCL / "registry_module")], env={})
    assert inventory.resources == []
    assert inventory.warnings == [
        Warning(
            "KI201",
            "run `terraform init`: module 'alibaba/kms/alicloud' is not installed, so KMS resources it "
            "declares are not priced",
            "module.kms", str(HCL / "registry_module" / "main.tf"),
        )
    ]


# -- unknowns ----------------------------------------------------------------------------------------


ONE = "assumed 1 instance (the fewest that still creates it; --strict fails on it)"


def test_unknown_count_and_for_each_assume_one_instance_and_say_so() -> None:
    inventory = load_hcl([str(HCL / "unknown_count")], env={})
    found = {r.address: r.assumptions for r in inventory.resources}
    assert found == {
        "alicloud_kms_key.per_existing[0]": [
            ("count is unknown (data.alicloud_kms_keys.existing is read from the cloud, not known from the "
            f"configuration); {ONE}")
        ],
        "alicloud_kms_key.replica[0]": [f"count is unknown (var.replicas has no value); {ONE}"],
        'alicloud_kms_key.by_id["*"]': [
            ("for_each is unknown (data.alicloud_kms_keys.existing is read from the cloud, not known from the "
            f"configuration); {ONE}")
        ],
        "alicloud_kms_key.known": [],
    }
    # the unset variable is not a warning of its own: the count it leaves unknown is, with it as the reason
    assert [(w.code, w.address, w.message) for w in inventory.warnings if "var.replicas" in w.message] == [
        ("KI202", "alicloud_kms_key.replica[0]", f"count is unknown (var.replicas has no value); {ONE}")
    ]


def test_unknown_count_fails_only_with_strict() -> None:
    plain = run_cli("check", str(HCL / "unknown_count"), "--format", "json")
    strict = run_cli("check", str(HCL / "unknown_count"), "--format", "json", "--strict")
    assert plain.code == 0
    assert strict.code == 1
    failed = {v["address"] for v in strict.json()["violations"] if v["rule"] == "strict-assumption"}
    assert failed == {"alicloud_kms_key.per_existing[0]", "alicloud_kms_key.replica[0]", 'alicloud_kms_key.by_id["*"]'}


def test_a_value_given_for_the_unknown_count_removes_the_assumption() -> None:
    found = keys(HCL / "unknown_count", variables=["replicas=2"])
    assert [a for a in found if "replica" in a] == ["alicloud_kms_key.replica[0]", "alicloud_kms_key.replica[1]"]
    assert found["alicloud_kms_key.replica[1]"].assumptions == []


def test_unknown_region_falls_back_to_default_region_with_the_reason() -> None:
    k = key(HCL / "unknown_region", "alicloud_kms_key.app", default_region="ap-southeast-1")
    assert k.region == "ap-southeast-1"
    assert k.assumptions[0] == (
        "region assumed ap-southeast-1 (default_region in config): provider alicloud region is unknown: "
        "data.alicloud_regions.current is read from the cloud, not known from the configuration"
    )
    assert k.assumptions[1] == (
        "key_spec unknown until apply (var.spec has no value); assumed Aliyun_AES_256 "
        '(provider default)'
    )


def test_unknown_region_is_not_taken_from_the_environment() -> None:
    k = key(HCL / "unknown_region", "alicloud_kms_key.app", env={"ALIBABA_CLOUD_REGION": "cn-shanghai"})
    assert k.region == "cn-beijing"


# -- JSON syntax -------------------------------------------------------------------------------------


def test_tf_json_configuration() -> None:
    found = keys(HCL / "json_config")
    assert sorted(found) == ["alicloud_kms_key.json[0]", "alicloud_kms_key.json[1]"]
    k = found["alicloud_kms_key.json[1]"]
    assert isinstance(k, model.KmsKey)
    assert (k.region, k.key_spec, k.protection_level, k.line) == ("cn-shanghai", "RSA_3072", "HSM", 22)


# -- inputs ------------------------------------------------------------------------------------------


def test_no_kms_directory_gives_nothing_and_no_warning() -> None:
    inventory = load_hcl([str(HCL / "no_kms")], env={})
    assert (inventory.resources, inventory.warnings) == ([], [])


def test_several_roots_are_each_priced_once() -> None:
    inventory = load_hcl(
        [str(HCL / "locals_order"), str(HCL / "locals_order" / "main.tf"), str(HCL / "json_config")], env={}
    )
    assert [r.address for r in inventory.resources] == [
        "alicloud_kms_key.app",
        "alicloud_kms_key.json[0]",
        "alicloud_kms_key.json[1]",
    ]


def test_a_module_directory_named_with_its_caller_is_priced_through_the_caller() -> None:
    folder = HCL / "module_for_each"
    inventory = load_hcl(
        [str(folder / "modules" / "tenant" / "inner" / "main.tf"), str(folder / "main.tf")], env={}
    )
    assert len(inventory.resources) == 12
    assert all(r.address.startswith("module.") for r in inventory.resources)


def test_a_module_directory_named_alone_is_priced_as_a_root() -> None:
    inventory = load_hcl([str(HCL / "module_for_each" / "modules" / "tenant" / "inner" / "main.tf")], env={})
    assert [r.address for r in inventory.resources] == ["alicloud_kms_key.signing", "alicloud_kms_alias.signing"]
    # var.name only names the key: no price depends on it, so it is not warned about
    assert not any("var.name" in w.message for w in inventory.warnings)


def test_empty_directory_is_a_warning(tmp_path: Path) -> None:
    inventory = load_hcl([str(tmp_path)], env={})
    assert inventory.warnings == [Warning("KI209", "no Terraform files (.tf, .tf.json, .tofu) here; nothing to price", file=str(tmp_path))]


def test_files_are_reported_as_given_relative_to_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HCL)
    inventory = load_hcl(["locals_order"], env={})
    assert [(r.file, r.line) for r in inventory.resources] == [("locals_order/main.tf", 20)]
    monkeypatch.chdir(HCL / "locals_order")
    inventory = load_hcl(["main.tf"], env={})
    assert [(r.file, r.line) for r in inventory.resources] == [("main.tf", 20)]


# -- found in real repositories (scripts/corpus_report.py) -------------------------------------------


def test_a_resource_declared_twice_is_priced_twice_with_a_warning() -> None:
    folder = HCL / "duplicate_resource"
    inventory = load_hcl([str(folder)], env={})
    assert [(r.address, r.file, r.protection_level) for r in inventory.resources] == [  # type: ignore[attr-defined]
        ("alicloud_kms_key.key", str(folder / "negative.tf"), "SOFTWARE"),
        ("alicloud_kms_key.key", str(folder / "positive.tf"), "HSM"),
    ]
    assert Warning(
        "KI204",
        f"declared twice ({folder / 'negative.tf'}:2 and {folder / 'positive.tf'}:1); "
        "Terraform rejects duplicate resources, each declaration is priced as written",
        "alicloud_kms_key.key", str(folder / "positive.tf"), 1,
    ) in inventory.warnings


def test_tfvars_in_a_folder_without_terraform_files_is_not_a_root_and_not_applied() -> None:
    folder = HCL / "tfvars_subdir"
    inventory = load_hcl([str(folder / "main.tf"), str(folder / "tfvars" / "01-update.tfvars")], env={})
    assert [(r.address, r.protection_level) for r in inventory.resources] == [  # type: ignore[attr-defined]
        ("alicloud_kms_key.kms", "SOFTWARE")
    ]
    assert inventory.warnings == []


def test_override_files_are_merged_into_the_blocks_they_name() -> None:
    k = key(HCL / "override_files", "alicloud_kms_key.app")
    assert (k.region, k.key_spec, k.protection_level, k.status) == ("ap-southeast-1", "RSA_2048", "HSM", "Disabled")
    assert (k.file, k.line) == (str(HCL / "override_files" / "main.tf"), 14)


def test_terraform_workspace_comes_from_tf_workspace(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'locals {\n  hsm = { default = "SOFTWARE", prod = "HSM" }\n}\n'
        'resource "alicloud_kms_key" "k" {\n  protection_level = local.hsm[terraform.workspace]\n}\n',
        encoding="utf-8",
    )
    assert key(tmp_path, "alicloud_kms_key.k").protection_level == "SOFTWARE"
    assert key(tmp_path, "alicloud_kms_key.k", env={"TF_WORKSPACE": "prod"}).protection_level == "HSM"


def test_the_file_reader_reads_whole_files_pipes_and_says_what_a_folder_is(tmp_path: Path) -> None:
    import threading

    from kms_infracost.sources.hcl.scan import _read_file, read_source

    text = ("# é\n" + 'resource "alicloud_kms_key" "k" {}\n' * 3000).encode()
    (tmp_path / "big.tf").write_bytes(text)
    data, stat = _read_file(str(tmp_path / "big.tf"))
    assert data == text and stat.st_size == len(text)
    assert _read_file(str(tmp_path / "big.tf"))[0] == text
    (tmp_path / "empty.tf").write_bytes(b"")
    assert _read_file(str(tmp_path / "empty.tf"))[0] == b""
    fifo = tmp_path / "piped.tf"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(text))  # more than one pipe buffer: several reads
    writer.start()
    assert read_source(str(fifo)).text == text.decode()
    writer.join()
    (tmp_path / "folder.tf").mkdir()
    with pytest.raises(UserError, match="is a directory, expected a file"):
        read_source(str(tmp_path / "folder.tf"))
    with pytest.raises(UserError, match="no such file"):
        read_source(str(tmp_path / "absent.tf"))
