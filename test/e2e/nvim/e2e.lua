-- Headless Neovim end-to-end check of the language server over stdio, using the set-up users copy
-- from docs/neovim.lua.
--   nvim --headless -u NONE -i NONE -n -c 'luafile test/e2e/nvim/e2e.lua' -- dist/iommu-check.js FILE
-- Prints `DIAG line:col severity code message` lines (1-based), then `HOVER <text>` for the
-- position in $IOMMU_E2E_HOVER ("line:col", 1-based; default: the first `device NAME`), then the
-- text address map of domain vm from `:IommuMap vm` as `MAP <line>` lines, then `NVIM E2E PASSED`. Exit 1 (cquit) if the server exits or publishes nothing within the timeout.
local t0 = vim.loop.hrtime()
local function out(s) io.stdout:write(string.format('[%.2fs] %s\n', (vim.loop.hrtime() - t0) / 1e9, s)) end
local scale = tonumber(os.getenv('TIMEOUT_SCALE') or '1') or 1

local argv = vim.fn.argv()
local cli, file = argv[1], argv[2]

local function finish(code, msg)
  if msg then out(msg) end
  for _, c in pairs(vim.lsp.get_active_clients()) do c.stop(true) end
  vim.wait(2000 * scale, function() return #vim.lsp.get_active_clients() == 0 end, 20)
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit! ' .. code) end
end

local ok, err = pcall(function()
  if not cli or not file then error('usage: -- CLI_JS FILE') end
  -- Find the repo root from this script's path, to load the documented configuration.
  local here = debug.getinfo(1, 'S').source:sub(2)
  local root = vim.fn.fnamemodify(here, ':p:h:h:h:h')
  local exited, started
  -- Observe the server's exit without changing the documented configuration.
  local start_client = vim.lsp.start_client
  vim.lsp.start_client = function(config)
    local on_exit = config.on_exit
    config.on_exit = function(code, signal, id)
      exited = code
      if on_exit then on_exit(code, signal, id) end
    end
    started = start_client(config)
    return started
  end
  vim.g.iommu_check_cmd = { 'node', vim.fn.fnamemodify(cli, ':p'), '--stdio' }
  dofile(root .. '/docs/neovim.lua')

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  if vim.bo[bufnr].filetype ~= 'iommu' then error('filetype not detected: ' .. vim.bo[bufnr].filetype) end
  if not started then error('the documented configuration started no language client') end

  local got = vim.wait(15000 * scale, function() return #vim.diagnostic.get(bufnr) > 0 or exited ~= nil end, 20)
  if exited ~= nil then error('server process exited with code ' .. tostring(exited)) end
  if not got then error('no diagnostics within ' .. 15 * scale .. 's') end
  -- let later publications (includes, workspace scan) settle
  local last, since = -1, 0
  local function now_ms() return vim.loop.hrtime() / 1e6 end
  vim.wait(3000 * scale, function()
    local m = #vim.diagnostic.get(bufnr)
    if m ~= last then last, since = m, now_ms() end
    return now_ms() - since >= 300
  end, 50)
  local diags = vim.diagnostic.get(bufnr)
  table.sort(diags, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col) end)
  for _, d in ipairs(diags) do
    local lsp = d.user_data and d.user_data.lsp or {}
    local code = d.code or lsp.code or ''
    out(string.format('DIAG %d:%d severity=%d code=%s msg=%s', d.lnum + 1, d.col + 1, d.severity, tostring(code),
      (d.message:gsub('\n', ' | '))))
  end

  local line, col
  local pos = os.getenv('IOMMU_E2E_HOVER')
  if pos then
    line, col = pos:match('^(%d+):(%d+)$'); line, col = tonumber(line), tonumber(col)
  else
    for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local s = l:find('device%s+[%w_]')
      if s then line = i; col = l:find('[%w_]', s + 6); break end
    end
  end
  if not line then error('no hover position') end
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
    { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = line - 1, character = col - 1 } }, 5000 * scale)
  local text = ''
  for _, r in pairs(res or {}) do
    if r.error then error('hover failed: ' .. vim.inspect(r.error)) end
    local c = r.result and r.result.contents
    if c then
      local lines = vim.lsp.util.convert_input_to_markdown_lines(c)
      text = text .. table.concat(lines, ' | ')
    end
  end
  out(string.format('HOVER %d:%d %s', line, col, text))

  -- :IommuMap from docs/neovim.lua: the address map of domain vm, as text in a split
  vim.cmd('IommuMap vm')
  if not vim.wait(5000 * scale, function() return #vim.api.nvim_list_wins() > 1 end, 20) then error(':IommuMap vm opened no window') end
  for _, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do out('MAP ' .. l) end
end)

if ok then finish(0, 'NVIM E2E PASSED') else finish(1, 'NVIM E2E FAILED: ' .. tostring(err)) end
