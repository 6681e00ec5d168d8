#!/usr/bin/env node
import { saveUser } from "./api";

saveUser("cli");
