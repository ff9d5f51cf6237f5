// doorbells checks: registered by the family module.
export {};
