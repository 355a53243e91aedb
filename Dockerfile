# The GraphQL service alone; docker-compose.yml gives it its Neo4j through NEO4J_URI.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY tsconfig.json ./
COPY src ./src
COPY schema ./schema
COPY seed ./seed
# GraphiQL's default tabs, read at start-up.
COPY examples ./examples
RUN npm run build
USER node
EXPOSE 4000
# The heap ceiling of package.json's start script (see docs/decisions/017-admission.md).
CMD ["node", "--max-old-space-size=256", "dist/src/main.js"]
