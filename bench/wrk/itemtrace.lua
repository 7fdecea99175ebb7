-- wrk script for the itemtrace HTTP benchmarks (bench/server.py runs it).
--
--   wrk -t2 -c16 -d15s -s bench/wrk/itemtrace.lua http://127.0.0.1:PORT -- MODE TOKEN [ARGS]
--
-- MODE health                       GET /api/v1/health (TOKEN "-": none sent)
-- MODE card  TOKEN N                GET /api/v1/items/DRILL/serials/C000000..C<N-1>, at random
-- MODE post  TOKEN TAG POOL LOTS    POST /api/v1/documents?post=true, in turn:
--     a receipt of 1-3 new serials of DRILL      R<TAG>-<thread>-<counter>-<i>  (unique per request)
--     a shipment of 1-3 serials received before  P<TAG>-<thread>-<0..POOL-1>, each shipped once
--     a receipt of one new lot of BOLT (5)       L<TAG>-<thread>-<counter>
--     a shipment of 1 BOLT from a received lot   Q<0..LOTS-1>, at random
--   (POOL 0: receipts only; when a thread has shipped its POOL serials it receives instead, and
--   says so in "counts".)
--
-- Every answer that is not 2xx is counted; done() prints one line `BENCH {json}` and, if any
-- answer failed, `BENCH_ERROR <status> <body>` for the first of them.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  if args[2] ~= nil and args[2] ~= "-" then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
  tag = args[3] or ""
  pool = tonumber(args[4]) or 0
  lots = tonumber(args[5]) or 0
  if mode == "card" then
    pool = tonumber(args[3]) or 1
  end
  counter = 0
  shipped = 0
  non2xx = 0
  first_error = ""
  serial_receipts = 0
  serial_shipments = 0
  lot_receipts = 0
  lot_shipments = 0
  pool_exhausted = 0
  math.randomseed(os.time() * 100 + id)
  wrk.headers["Content-Type"] = "application/json"
end

local function serials(prefix, first, n)
  local parts = {}
  for i = 0, n - 1 do
    parts[#parts + 1] = string.format('{"serial":"%s%d"}', prefix, first + i)
  end
  return table.concat(parts, ",")
end

local function post(body)
  return wrk.format("POST", "/api/v1/documents?post=true", nil, body)
end

local function serial_receipt(n)
  serial_receipts = serial_receipts + 1
  return post(string.format(
    '{"type":"receipt","lines":[{"item":"DRILL","quantity":%d,"to_location":"WH1","tracking":[%s]}]}',
    n, serials(string.format("R%s-%d-%d-", tag, id, counter), 0, n)))
end

function request()
  counter = counter + 1
  if mode == "health" then
    return wrk.format("GET", "/api/v1/health")
  end
  if mode == "card" then
    return wrk.format("GET", string.format("/api/v1/items/DRILL/serials/C%06d", math.random(0, pool - 1)))
  end
  local kind = counter % 4
  local n = math.floor(counter / 4) % 3 + 1
  if kind == 0 or pool == 0 then
    return serial_receipt(n)
  elseif kind == 1 then
    if shipped + n > pool then
      pool_exhausted = pool_exhausted + 1
      return serial_receipt(n)
    end
    serial_shipments = serial_shipments + 1
    local body = string.format(
      '{"type":"shipment","partner":"ACME","lines":[{"item":"DRILL","quantity":%d,"from_location":"WH1","tracking":[%s]}]}',
      n, serials(string.format("P%s-%d-", tag, id), shipped, n))
    shipped = shipped + n
    return post(body)
  elseif kind == 2 then
    lot_receipts = lot_receipts + 1
    return post(string.format(
      '{"type":"receipt","lines":[{"item":"BOLT","quantity":5,"to_location":"WH1","tracking":[{"lot":"L%s-%d-%d","quantity":5}]}]}',
      tag, id, counter))
  end
  lot_shipments = lot_shipments + 1
  return post(string.format(
    '{"type":"shipment","partner":"ACME","lines":[{"item":"BOLT","quantity":1,"from_location":"WH1","tracking":[{"lot":"Q%d","quantity":1}]}]}',
    math.random(0, lots - 1)))
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_error == "" then
      first_error = status .. " " .. string.gsub(string.sub(body or "", 1, 400), "%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local total = { non2xx = 0, serial_receipts = 0, serial_shipments = 0, lot_receipts = 0,
                  lot_shipments = 0, pool_exhausted = 0 }
  local first = ""
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
    local e = thread:get("first_error")
    if first == "" and e ~= nil then
      first = e
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
    '"non2xx":%d,"socket_errors":%d,"counts":{"serial_receipts":%d,"serial_shipments":%d,' ..
    '"lot_receipts":%d,"lot_shipments":%d,"pool_exhausted":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    latency.max, total.non2xx, errors.connect + errors.read + errors.write + errors.timeout,
    total.serial_receipts, total.serial_shipments, total.lot_receipts, total.lot_shipments,
    total.pool_exhausted))
  if first ~= "" then
    io.write("BENCH_ERROR " .. first .. "\n")
  end
end
