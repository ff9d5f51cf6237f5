-- iommu-check in Neovim (0.7 or later): put this in your init.lua, or `dofile()` it from there.
-- It needs `iommu-check` on PATH (npm install -g iommu-check, or a checkout + `npm run build` and
-- `vim.g.iommu_check_cmd = { 'node', '/path/to/iommu-check/dist/iommu-check.js', '--stdio' }`).

-- 1. Filetype: *.iommu files get filetype `iommu`; `//` comments for `gc` and friends.
vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
  pattern = '*.iommu',
  callback = function() vim.bo.filetype = 'iommu' end,
})

-- 2. The language server, started once and shared by every iommu buffer of the session.
local function iommu_check_config(bufnr)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  -- workspace root: the nearest directory with .iommu-check.json or .git, else the file's directory
  local root = vim.fn.fnamemodify(fname, ':p:h')
  local found = vim.fn.findfile('.iommu-check.json', root .. ';')
  if found == '' then found = vim.fn.finddir('.git', root .. ';') end
  if found ~= '' then root = vim.fn.fnamemodify(found, ':p:h') end
  root = root:gsub('/%.git/?$', '')
  return {
    name = 'iommu-check',
    cmd = vim.g.iommu_check_cmd or { 'iommu-check', '--stdio' },
    root_dir = root,
    -- same settings as the VS Code extension's `iommuCheck.*`
    settings = { iommuCheck = { rules = vim.g.iommu_check_rules or vim.empty_dict() } },
  }
end

local client_id
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'iommu',
  callback = function(args)
    vim.bo[args.buf].commentstring = '// %s'
    local config = iommu_check_config(args.buf)
    if vim.lsp.start then -- Neovim 0.8+: reuses a running client with the same name and root
      vim.lsp.start(config)
      return
    end
    -- Neovim 0.7
    if not client_id or not vim.lsp.get_client_by_id(client_id) then
      client_id = vim.lsp.start_client(config)
    end
    if client_id then vim.lsp.buf_attach_client(args.buf, client_id) end
  end,
})

-- Diagnostics, hover (K), go to definition (gd), rename, formatting and code actions then work
-- through Neovim's built-in LSP client, e.g.:
--   vim.keymap.set('n', 'K', vim.lsp.buf.hover)
--   vim.keymap.set('n', '<leader>ca', vim.lsp.buf.code_action)

-- 3. The address map (`:IommuMap`, `:IommuMap NAME`, `:IommuMapSvg [NAME]`): the server draws the
-- domain or device under the cursor (or the one named) through the custom request
-- `iommu-check/addressMap`. The text form opens in a split; the SVG is written to a temporary file
-- and opened with the system viewer (xdg-open / open).
local function iommu_map(opts, format)
  local bufnr = vim.api.nvim_get_current_buf()
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, format = format }
  if opts.args ~= '' then
    -- a name: a domain if there is one, else a device (the answer lists both)
    params.domain = opts.args
  else
    local pos = vim.api.nvim_win_get_cursor(0)
    params.position = { line = pos[1] - 1, character = pos[2] }
  end
  local function show(result)
    if format == 'text' then
      vim.cmd('vnew')
      vim.api.nvim_buf_set_lines(0, 0, -1, false, vim.split(result.text, '\n', { plain = true }))
      vim.bo.buftype, vim.bo.bufhidden, vim.bo.modifiable = 'nofile', 'wipe', false
      vim.wo.wrap = false
    else
      local file = vim.fn.tempname() .. '.svg'
      local f = assert(io.open(file, 'w'))
      f:write(result.svg)
      f:close()
      local opener = vim.fn.has('mac') == 1 and 'open' or 'xdg-open'
      vim.fn.jobstart({ opener, file }, { detach = true })
      vim.notify('address map written to ' .. file)
    end
  end
  vim.lsp.buf_request(bufnr, 'iommu-check/addressMap', params, function(err, result)
    if err or not result then return vim.notify('iommu-check: ' .. (err and err.message or 'no answer'), vim.log.levels.ERROR) end
    if result.subject then return show(result) end
    if params.domain and vim.tbl_contains(result.devices, params.domain) then
      params.device, params.domain = params.domain, nil
      return vim.lsp.buf_request(bufnr, 'iommu-check/addressMap', params, function(e2, r2)
        if r2 and r2.subject then show(r2) else vim.notify('iommu-check: ' .. ((r2 and r2.error) or (e2 and e2.message) or '?'), vim.log.levels.ERROR) end
      end)
    end
    vim.notify('iommu-check: ' .. result.error, vim.log.levels.ERROR)
  end)
end
vim.api.nvim_create_user_command('IommuMap', function(opts) iommu_map(opts, 'text') end, { nargs = '?' })
vim.api.nvim_create_user_command('IommuMapSvg', function(opts) iommu_map(opts, 'svg') end, { nargs = '?' })
