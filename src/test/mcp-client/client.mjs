// Drives `agentcli mcp` with the official MCP TypeScript SDK's stdio client, step by step, and
// prints one JSON line per step for McpIT to check. The server command is argv[2...].
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
const out = (o) => console.log(JSON.stringify(o));
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
const client = new Client({ name: "agentcli-mcp-test", version: "1.0.0" });
await client.connect(transport);
out({ step: "initialized", server: client.getServerVersion(), instructions: client.getInstructions() });

const listed = await client.listTools();
out({ step: "tools", tools: listed.tools });

out({ step: "ungated", result: await client.callTool({ name: "hello", arguments: {} }) });

const long = { timeout: 120000 };
out({
  step: "approved",
  result: await client.callTool({ name: "deploy", arguments: { reason: "ship it", wait_s: 45 } }, undefined, long),
});
out({
  step: "denied",
  result: await client.callTool({ name: "deploy", arguments: { reason: "ship again", wait_s: 45 } }, undefined, long),
});
try {
  await client.callTool({ name: "no-such-tool", arguments: {} });
  out({ step: "unknown", error: null });
} catch (e) {
  out({ step: "unknown", error: { code: e.code, message: e.message } });
}
await client.close();
