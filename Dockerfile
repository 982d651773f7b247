# One image for the server and the device agent (different commands).
FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY schemas/package.json schemas/
COPY protocols/package.json protocols/
COPY server/package.json server/
COPY device-agent/package.json device-agent/
COPY web-console/package.json web-console/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund
COPY . .
# The operators' web console, served by the server at / (issue 9).
RUN npm run build -w web-console
ENV NGUON_DATA_DIR=/data NGUON_HTTP_PORT=8080 NGUON_MQTT_PORT=1884
VOLUME /data
EXPOSE 8080 1884
CMD ["npx", "tsx", "--conditions=@nguon/source", "scripts/start.ts"]
