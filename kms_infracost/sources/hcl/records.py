"""Walk a root module instance and its module calls, one ResourceRecord per KMS resource instance."""

from __future__ import annotations

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl.config import Block
from kms_infracost.sources.hcl.evaluate import Evaluator
from kms_infracost.sources.hcl.instance import (
    ModuleInstance,
    attribute_names,
    expand,
    provider_name,
)
from kms_infracost.sources.hcl.values import LimitError, Unknown, plain
from kms_infracost.sources.interface import ResourceRecord

#: the marker the plan source puts in place of a sensitive value
SENSITIVE = "(sensitive)"

#: data sources that call KMS itself on every plan and apply
CALLING_DATA_SOURCES = ("alicloud_kms_ciphertext", "alicloud_kms_plaintext")


class Collector:
    def __init__(self, blocks_seen: list[tuple[str, int | None, str, int]] | None = None) -> None:
        self.records: list[ResourceRecord] = []
        #: address -> assumptions the normaliser does not make itself (unknown count, for_each)
        self.assumptions: dict[str, list[str]] = {}
        #: (file, line, address without instance keys, instances) of every KMS resource block read,
        #: including those a count of 0 (of the block or of its module) leaves without instances
        self.blocks_seen = blocks_seen

    def walk(self, instance: ModuleInstance) -> None:
        for first, again in instance.config.duplicates:
            address = f"{instance.address_prefix}{first.labels[0]}.{first.labels[1]}"
            instance.run.warn(
                "KI204",
                f"declared twice ({first.file}:{first.line} and {again.file}:{again.line}); "
                "Terraform rejects duplicate resources, each declaration is priced as written",
                address, again.file, again.line,
            )
        for block in instance.config.resources:
            self.resource(instance, block)
        for block in instance.config.data:
            if block.labels[0] in CALLING_DATA_SOURCES:
                address = f"{instance.address_prefix}data.{block.labels[0]}.{block.labels[1]}"
                instance.run.warn(
                    "KI107", "data source calls KMS on every plan and apply; its API calls are not priced",
                    address, block.file, block.line,
                )
        for name in instance.config.modules:
            if not instance.call_may_matter(name):
                continue
            children = instance.call_instances(name, load_always=False)
            for _, child in children:
                if child is not None:
                    self.walk(child)
            if not children and self.blocks_seen is not None:
                self._unexpanded(instance, name)

    def _unexpanded(self, instance: ModuleInstance, name: str) -> None:
        """A module called zero times: its blocks are still seen (the survey counts them)."""
        source = instance.config.module_sources.get(name)
        directory = instance.run.module_dir(instance.config.dir, (*instance.key_path, name), source)
        if directory is None or self.blocks_seen is None:
            return
        config = instance.run.loader.load(directory)
        static = f"{instance.address_prefix}module.{name}"
        for block in config.resources:
            self.blocks_seen.append((block.file, block.line, f"{static}.{block.labels[0]}.{block.labels[1]}", 0))

    def resource(self, instance: ModuleInstance, block: Block) -> None:
        rtype, rname = block.labels[0], block.labels[1]
        static = f"{instance.address_prefix}{rtype}.{rname}"
        ev = Evaluator(instance)
        try:
            expansions, assumption, error = expand(ev, block, static)
        except LimitError as exc:
            raise UserError(f"{exc}; kms-infracost refuses sizes this large", block.file, block.line) from None
        instance.run.warn_notes(ev.notes, static, block.file, block.line)
        if self.blocks_seen is not None:
            self.blocks_seen.append((block.file, block.line, static, 0 if error else len(expansions)))
        if error:
            instance.run.warn("KI203", f"{error}; not priced", static, block.file, block.line)
            return
        provider = instance.provider(provider_name(block.attr("provider")))
        region, note = provider.region()
        for exp in expansions:
            address: str = static + exp.suffix
            after: dict[str, object] = {}
            unknown: dict[str, str] = {}
            references: dict[str, list[str]] = {}
            for attr in attribute_names(block):
                refs: list[str] = []
                attr_ev = Evaluator(instance, dict(exp.names), refs)
                value = attr_ev.safe(block.body["a"][attr][0])
                instance.run.warn_notes(attr_ev.notes, address, block.file, block.line)
                if isinstance(value, Unknown) and value.source and value.source not in refs:
                    refs.append(value.source)  # `each.value.id`: the instance for_each handed over
                if refs:
                    references[attr] = refs
                if isinstance(value, Unknown):
                    # worded as the plan source words it, so both sources state the same assumption
                    after_apply = refs and value.reason.endswith("is known only after apply")
                    unknown[attr] = f"refers to {', '.join(refs)}" if after_apply else value.reason
                elif value is not None:
                    after[attr] = SENSITIVE if instance.sensitive(block.body["a"][attr][0]) else plain(value)
            self.records.append(
                ResourceRecord(
                    address=address,
                    type=rtype,
                    name=rname,
                    module_address=instance.address,
                    actions=("create",),
                    after=after,
                    unknown=unknown,
                    provider_region=region,
                    provider_label=provider.label,
                    region_note=note,
                    references=references,
                    file=block.file,
                    line=block.line,
                )
            )
            own = [f"{assumption}"] if assumption else []
            if assumption:
                instance.run.warn("KI202", assumption, address, block.file, block.line)
            inherited = [text for text in instance.assumptions]
            if own or inherited:
                self.assumptions[address] = inherited + own
