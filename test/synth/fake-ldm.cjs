#!/usr/bin/env node
// A tiny stand-in for `ldm`, enough for the synthesized scripts: state in the JSON file named by
// FAKE_LDM_STATE, every mutating invocation appended to FAKE_LDM_LOG.
"use strict";
const fs = require("node:fs");
const statePath = process.env.FAKE_LDM_STATE;
const logPath = process.env.FAKE_LDM_LOG;
const state = JSON.parse(fs.readFileSync(statePath, "utf8"));
const [sub, ...args] = process.argv.slice(2);
const out = (s) => process.stdout.write(s);
const fail = (m) => { process.stderr.write(`${m}\n`); process.exit(1); };
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const log = () => fs.appendFileSync(logPath, `${[sub, ...args].join(" ")}\n`);
const kv = (list) => Object.fromEntries(list.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
const props = (p) => Object.entries(p).map(([k, v]) => `|${k}=${v}`).join("");

if (process.env.FAKE_LDM_FAIL === sub) fail(`fake failure of ${sub}`);
switch (sub) {
  case "list-io": {
    let text = "VERSION 1.11\n";
    for (const pf of state.pfs) text += `|dev=pci@300/${pf.alias}|alias=${pf.alias}|status=|domain=primary|type=PF|bus=pci_0|class=NETWORK\n`;
    for (const vf of state.vfs) text += `|dev=pci@300/${vf.alias}|alias=${vf.alias}|status=${vf.status ?? ""}|domain=${vf.domain ?? ""}|type=VF|bus=pci_0|class=NETWORK|name=${vf.name ?? ""}${props(vf.props)}\n`;
    out(text);
    break;
  }
  case "list": {
    let text = "VERSION 1.11\n";
    for (const d of state.domains) {
      text += `DOMAIN|name=${d.name}|state=${d.state}|flags=-n----\n`;
      for (const v of d.vnets) text += `VNET|name=${v.name}|dev=network@0|service=${v.vswitch}@primary${props(v.props)}\n`;
    }
    out(text);
    break;
  }
  case "list-services":
    out(`VERSION 1.11\n${state.switches.map((s) => `VSW|name=${s}|mac-addr=00:14:4f:fb:00:01|net-dev=net0\n`).join("")}`);
    break;
  case "create-vf": {
    log();
    const pf = args[args.length - 1];
    if (!state.pfs.some((p) => p.alias === pf)) fail(`Invalid PF ${pf}`);
    const { name, ...rest } = kv(args.slice(0, -1));
    if (name && state.vfs.some((v) => v.name === name)) fail(`VF name ${name} already exists`);
    const alias = `${pf}.VF${state.vfs.filter((v) => v.alias.startsWith(`${pf}.VF`)).length}`;
    state.vfs.push({ alias, name, props: rest });
    save();
    out(`Created new vf: ${alias}\n`);
    break;
  }
  case "set-io": {
    log();
    const vf = state.vfs.find((v) => v.alias === args[args.length - 1]) ?? fail(`${args[args.length - 1]} does not exist`);
    for (const [k, v] of Object.entries(kv(args.slice(0, -1)))) {
      if (k === "name") vf.name = v; else vf.props[k] = v;
    }
    save();
    break;
  }
  case "add-io": {
    log();
    const [alias, domain] = args;
    const vf = state.vfs.find((v) => v.alias === alias) ?? fail(`${alias} does not exist`);
    if (!state.domains.some((d) => d.name === domain)) fail(`LDom ${domain} does not exist`);
    if (vf.domain) fail(`${alias} is already assigned to ${vf.domain}`);
    vf.domain = domain;
    save();
    break;
  }
  case "add-vnet": {
    log();
    const [ifName, vswitch, domain] = args.slice(-3);
    const d = state.domains.find((x) => x.name === domain) ?? fail(`LDom ${domain} does not exist`);
    if (d.vnets.some((v) => v.name === ifName)) fail(`vnet ${ifName} already exists`);
    d.vnets.push({ name: ifName, vswitch, props: kv(args.slice(0, -3)) });
    save();
    break;
  }
  case "set-vnet": {
    log();
    const [ifName, domain] = args.slice(-2);
    const d = state.domains.find((x) => x.name === domain) ?? fail(`LDom ${domain} does not exist`);
    const v = d.vnets.find((x) => x.name === ifName) ?? fail(`vnet ${ifName} does not exist`);
    for (const [k, val] of Object.entries(kv(args.slice(0, -2)))) {
      if (k === "vswitch") v.vswitch = val; else v.props[k] = val;
    }
    save();
    break;
  }
  default:
    fail(`fake ldm: unsupported subcommand ${sub}`);
}
