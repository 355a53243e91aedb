# The GraphQL service alone; docker-compose.yml gives it its Neo4j through NEO4J_URI.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY tsconfig.json ./
COPY src ./src
COPY schema ./schema
COPY seed ./seed
RUN npm run build
USER node
EXPOSE 4000
CMD ["node", "dist/src/main.js"]
