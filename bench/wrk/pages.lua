-- wrk script for bench/pages.py: every request asks for the next entity of a list.
--
--   wrk -s bench/wrk/pages.lua URL -- PATH_FILE SUFFIX ACCEPT
--
-- PATH_FILE holds entity paths, one a line (/specimen/x, /award/y, ...), already mixed
-- and shuffled by bench/pages.py; consecutive requests take consecutive lines, so they hit
-- different entities, and each wrk thread starts at its own place. SUFFIX is appended to
-- every path ("" for none, ".ttl" for Turtle); ACCEPT is sent as the Accept header ("-"
-- for none). done() prints one line of JSON for bench/pages.py to read.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line .. args[2])
    end
  end
  counter = id * math.floor(#paths / 2 + 1)
  if args[3] ~= "-" then
    wrk.headers["Accept"] = args[3]
  end
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout
  ))
end
