-- make bench's wrk script (config/bench.py): counts every answer that is not a 200 and,
-- when the run is done, prints one line that config/bench.py parses:
--   BENCH_RESULT {"p50_ms": …, "p95_ms": …, "p99_ms": …, "requests": …, "non_200": …, …}
--
-- wrk … -s config/bench_report.lua URL                    GET URL
-- wrk … -s config/bench_report.lua URL -- post FILE       POST FILE's "path<TAB>body"
-- wrk … -s config/bench_report.lua URL -- autosave FILE   thread n POSTs line n of FILE,
--     "path<TAB>version<TAB>body", appending the version the last answer gave back, so
--     every save succeeds. Run it with as many threads as connections: one connection per
--     thread, hence one request at a time per debrief; an answer without a new version
--     (the save was refused) counts as a failure.

local threads = {}
local created = 0

function setup(thread)
   created = created + 1
   thread:set("number", created)
   table.insert(threads, thread)
end

non_200 = 0
not_saved = 0

local function lines_of(name)
   local lines = {}
   for line in io.lines(name) do
      table.insert(lines, line)
   end
   return lines
end

local function fields_of(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

function init(args)
   local mode = args[1] or "get"
   if mode == "get" then
      return
   end
   local lines = lines_of(args[2])
   local fields = fields_of(lines[((number - 1) % #lines) + 1])
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["HX-Request"] = "true"
   if mode == "post" then
      wrk.path, wrk.body = fields[1], fields[2]
   elseif mode == "autosave" then
      local path, body = fields[1], fields[3]
      version = tonumber(fields[2])
      request = function()
         return wrk.format(nil, path, nil, body .. "&version=" .. version)
      end
   else
      error("unknown mode " .. mode)
   end
end

function response(status, headers, body)
   if status ~= 200 then
      non_200 = non_200 + 1
   elseif version then
      local saved = body:match('name="version" value="(%d+)"')
      if saved then
         version = tonumber(saved)
      else
         not_saved = not_saved + 1
      end
   end
end

function done(summary, latency, requests)
   local bad, refused = 0, 0
   for _, thread in ipairs(threads) do
      bad = bad + thread:get("non_200")
      refused = refused + thread:get("not_saved")
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "requests": %d, '
         .. '"non_200": %d, "not_saved": %d, "socket_errors": %d, "req_per_s": %.2f}\n',
      latency:percentile(50) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, summary.requests, bad, refused,
      errors.connect + errors.read + errors.write + errors.timeout,
      summary.requests / (summary.duration / 1e6)
   ))
end
