# The bot in one image: HTTP server, channel adapters and BullMQ workers. Node 24 LTS runs the
# TypeScript sources itself (type stripping: every file keeps to erasable syntax, which
# tsconfig's erasableSyntaxOnly checks), so only production dependencies are installed; the
# Prisma CLI is one of them, because the bot applies pending migrations when it starts.
# Start it with docker-compose.yml, which also runs Postgres and Redis.
FROM node:24-bookworm-slim

WORKDIR /app
RUN chown node:node /app
USER node

# Dependencies first, so a source change does not reinstall them.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY --chown=node:node . .
RUN node node_modules/prisma/build/index.js generate

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "src/main.ts"]
