// Calls one tool as an MCP host that passes no environment of its own would: the SDK's stdio
// client then gives the server only its default variables (HOME, LOGNAME, PATH, SHELL, TERM,
// USER). The server command is argv[3...]; argv[2] is the tool. Prints the result as one line.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [tool, command, ...args] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args, stderr: "inherit" });
const client = new Client({ name: "agentcli-mcp-ahead", version: "1.0.0" });
await client.connect(transport);
const result = await client.callTool({ name: tool, arguments: { wait_s: 0 } });
console.log(JSON.stringify(result));
await client.close();
