-- One benchmark case for wrk: the same requests, over and over, with the case's key.
--
-- The bench command sets, for each run:
--   BENCH_TOKEN   the API key (sent as Authorization: Bearer ...)
--   BENCH_METHOD  GET or POST
--   BENCH_PATHS   a file with one path per line, requested in turn
--   BENCH_BODY    a file with the JSON body of every request (POST), or empty
--   BENCH_IDEMPOTENCY_PREFIX  if set, every request sends a fresh Idempotency-Key:
--                 this prefix (new for each run) and the request's number
-- and reads the line starting BENCH_RESULT that done() prints.

local token = os.getenv("BENCH_TOKEN")
local method = os.getenv("BENCH_METHOD") or "GET"
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if line ~= "" then
    paths[#paths + 1] = line
  end
end

local body = nil
local body_file = os.getenv("BENCH_BODY")
if body_file ~= nil and body_file ~= "" then
  local file = assert(io.open(body_file, "rb"))
  body = file:read("*a")
  file:close()
end

local headers = { ["Authorization"] = "Bearer " .. token }
if body ~= nil then
  headers["Content-Type"] = "application/json"
end

local counter = 0
local idempotency = os.getenv("BENCH_IDEMPOTENCY_PREFIX")
if idempotency == "" then
  idempotency = nil
end

function request()
  counter = counter + 1
  if idempotency ~= nil then
    headers["Idempotency-Key"] = idempotency .. "-" .. counter
  end
  return wrk.format(method, paths[(counter % #paths) + 1], headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT {\"requests\":%d,\"duration_us\":%d,\"bytes\":%d," ..
    "\"errors\":{\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d}," ..
    "\"latency_us\":{\"p50\":%d,\"p90\":%d,\"p99\":%d,\"p999\":%d,\"mean\":%.1f,\"max\":%d}}\n",
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.mean, latency.max
  ))
end
