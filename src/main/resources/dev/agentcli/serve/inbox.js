// agentcli's web inbox: the one script, for the WebAuthn calls. Everything else is HTML and forms.
"use strict";

const enc = (buf) =>
  btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const dec = (s) =>
  Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

const csrf = document.querySelector('meta[name="csrf"]')?.content ?? "";
const show = (text) => { document.getElementById("status").textContent = text; };

async function post(url, body) {
  const r = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  return r.json();
}

// The passkey signs the server's challenge: for a decision, the digest of what it records.
async function sign(options) {
  const cred = await navigator.credentials.get({
    publicKey: {
      challenge: dec(options.challenge),
      rpId: options.rpId,
      allowCredentials: options.allowCredentials.map((id) => ({ type: "public-key", id: dec(id) })),
      userVerification: options.userVerification,
      timeout: 120000,
    },
  });
  return {
    ticket: options.ticket,
    credential_id: enc(cred.rawId),
    authenticator_data: enc(cred.response.authenticatorData),
    client_data_json: enc(cred.response.clientDataJSON),
    signature: enc(cred.response.signature),
  };
}

async function ceremony(begin, finish, body) {
  const options = await post(begin, body);
  if (!options.ok) return options;
  return post(finish, await sign(options));
}

document.getElementById("login")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  show("Waiting for your passkey...");
  try {
    const principal = document.getElementById("principal").value;
    const r = await ceremony("/inbox/login/begin", "/inbox/login/finish", { principal });
    if (r.ok) location.assign("/inbox"); else show(r.error);
  } catch (err) { show("Not signed in: " + err.message); }
});

for (const form of document.querySelectorAll("form.decide")) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    show("Waiting for your passkey...");
    try {
      const body = Object.fromEntries(new FormData(form));
      const r = await ceremony(form.action + "/begin", form.action + "/finish", body);
      show(r.ok ? r.message : r.error);
      if (r.ok) for (const f of document.querySelectorAll("form.decide")) f.hidden = true;
    } catch (err) { show("Not decided: " + err.message); }
  });
}

document.getElementById("enrol")?.addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  show("Creating the passkey...");
  try {
    const o = await post(form.action + "/begin", {});
    if (!o.ok) return show(o.error);
    const cred = await navigator.credentials.create({
      publicKey: {
        challenge: dec(o.challenge),
        rp: { id: o.rpId, name: "agentcli" },
        user: { id: dec(o.userId), name: o.userName, displayName: o.userName },
        pubKeyCredParams: [
          { type: "public-key", alg: -7 },
          { type: "public-key", alg: -8 },
          { type: "public-key", alg: -257 },
        ],
        authenticatorSelection: { userVerification: "preferred" },
        attestation: "none",
        timeout: 120000,
      },
    });
    const r = await post(form.action + "/finish", {
      ticket: o.ticket,
      attestationObject: enc(cred.response.attestationObject),
      clientDataJSON: enc(cred.response.clientDataJSON),
    });
    show(r.ok ? r.message : r.error);
  } catch (err) { show("No passkey was created: " + err.message); }
});
