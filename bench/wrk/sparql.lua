-- wrk script for bench/endpoint.py: every request sends a different SPARQL query.
--
--   wrk -s bench/wrk/sparql.lua URL -- PATH TEMPLATE IRI_FILE START
--
-- PATH is the endpoint's path (/sparql, /query); TEMPLATE the query text, in which {iri}
-- becomes the next IRI of IRI_FILE (one a line; "-" for none) and {n} a number that no
-- other request of this run, or of any run with another START, uses. So no request text
-- repeats, and a cache of responses or of parsed queries cannot be what is measured.
-- done() prints one line of JSON for bench/endpoint.py to read.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  path, template, start = args[1], args[2], tonumber(args[4])
  iris = {}
  if args[3] ~= "-" then
    for line in io.lines(args[3]) do
      if line ~= "" then
        table.insert(iris, line)
      end
    end
  end
  -- Threads start at different places in the list, and number their requests apart.
  counter = id * math.floor(#iris / 2 + 1)
  first = start + id * 1e9
  sent = 0
  wrk.headers["Accept"] = "application/sparql-results+json"
end

function request()
  sent = sent + 1
  local text = template:gsub("{n}", string.format("%.0f", first + sent))
  if #iris > 0 then
    local iri = iris[(counter + sent) % #iris + 1]
    text = text:gsub("{iri}", function() return iri end)
  end
  return wrk.format("GET", path .. "?query=" .. encode(text))
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
