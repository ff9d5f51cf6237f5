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
